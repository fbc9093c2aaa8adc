import Foundation
import Testing
@testable import NadsimModel

/// ``ScalarSemantics/power(_:_:)`` with whole exponents (binary powering) against glibc's `pow`,
/// which is accurate to under 1 ulp and serves as the reference here.
@Suite("Scalar power")
struct ScalarPowerTests {
  @Test("whole exponents −16…16 agree with libm pow to a few ulps")
  func wholeExponents() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func uniform() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    var worst = 0.0, worstOverBound = 0.0
    for _ in 0..<20_000 {
      let a = exp(-4.6 + 9.2 * uniform()) * (uniform() < 0.2 ? -1 : 1)  // |a| in [0.01, 100]
      let b = Double(Int(uniform() * 33) - 16)
      let reference = pow(a, b)
      let ulps = abs(ScalarSemantics.power(a, b) - reference) / reference.ulp.magnitude
      worst = max(worst, ulps)
      // Each product adds one rounding (≤ u relative) to the errors of its factors, so xⁿ carries
      // at most (n − 1)·u, plus u for the reciprocal when b < 0; an ulp of the result is between u
      // and 2u relative, so the bound in ulps is 2·|b| (and 1 for |b| ≤ 1, which is exact).
      worstOverBound = max(worstOverBound, ulps / max(1, 2 * abs(b)))
    }
    #expect(worstOverBound <= 1, "largest error \(worst) ulps")
    #expect(worst <= 16, "largest error \(worst) ulps (measured 10 when written)")
  }

  @Test("special values follow pow: a⁰ = 1, 0⁻ⁿ = ±∞, signs of odd powers, fractional exponents")
  func specialValues() {
    #expect(ScalarSemantics.power(.nan, 0) == 1)
    #expect(ScalarSemantics.power(0, -3) == .infinity)
    #expect(ScalarSemantics.power(-0.0, -3) == -.infinity)
    #expect(ScalarSemantics.power(-2, 3) == -8)
    #expect(ScalarSemantics.power(3, 1) == 3)
    #expect(ScalarSemantics.power(2, -2) == 0.25)
    #expect(ScalarSemantics.power(2, 0.5) == pow(2, 0.5))
    #expect(ScalarSemantics.power(2, 17) == pow(2, 17))
    #expect(ScalarSemantics.power(.infinity, -1) == 0)
  }
}
