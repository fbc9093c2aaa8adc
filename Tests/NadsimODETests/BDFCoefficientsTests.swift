import Testing
@testable import NadsimODE

/// Properties of the FLC BDF coefficients and Nordsieck operations that follow from their
/// definitions (see `BDFCoefficients`): checked on arbitrary step histories, with expected values
/// worked out by hand.
@Suite("BDF coefficients and Nordsieck array")
struct BDFCoefficientsTests {
  /// A non-uniform history: ξ for a step of 0.3 after steps 0.5, 0.2, 0.4, 0.25, 0.6, 0.1.
  static func irregularXi() -> [Double] {
    let tau: [Double] = [0.5, 0.2, 0.4, 0.25, 0.6, 0.1, 0.3]
    var xi = [Double](repeating: 0, count: 8)
    tau.withUnsafeBufferPointer { t in
      xi.withUnsafeMutableBufferPointer { BDFCoefficients.scaledDistances(h: 0.3, tau: t.baseAddress!, count: 7, into: $0.baseAddress!) }
    }
    return xi
  }

  static func corrector(_ q: Int, _ xi: [Double]) -> [Double] {
    var l = [Double](repeating: 0, count: 8)
    xi.withUnsafeBufferPointer { x in
      l.withUnsafeMutableBufferPointer { BDFCoefficients.corrector(order: q, xi: x.baseAddress!, into: $0.baseAddress!) }
    }
    return Array(l[0...q])
  }

  static func value(_ c: [Double], at x: Double) -> Double { c.reversed().reduce(0) { $0 * x + $1 } }

  @Test("ξ counts past steps in units of h")
  func scaledDistances() {
    let xi = BDFCoefficientsTests.irregularXi()
    #expect(xi[0] == 1)
    #expect(abs(xi[1] - 0.8 / 0.3) < 1e-14)
    #expect(abs(xi[2] - 1.0 / 0.3) < 1e-14)
  }

  @Test("Λ(0) = 1, l₁ = H_q and Λ(−ξⱼ) = 0 for j < q, on an irregular history", arguments: 1...5)
  func correctorPolynomial(order q: Int) {
    let xi = BDFCoefficientsTests.irregularXi()
    let l = BDFCoefficientsTests.corrector(q, xi)
    let harmonic = (1...q).reduce(0.0) { $0 + 1 / Double($1) }
    #expect(l[0] == 1)
    #expect(abs(l[1] - harmonic) < 1e-13)
    for j in 0..<(q - 1) {
      #expect(abs(BDFCoefficientsTests.value(l, at: -xi[j])) < 1e-12)
    }
  }

  @Test("with constant steps Λ(x) = Π(1 + x/j): the classical BDF, whose last root is −q", arguments: 1...5)
  func constantSteps(order q: Int) {
    let xi = (1...7).map(Double.init)
    let l = BDFCoefficientsTests.corrector(q, xi)
    #expect(abs(BDFCoefficientsTests.value(l, at: -Double(q))) < 1e-12)
    // BDF2 by hand: (1 + x)(1 + x/2) = 1 + 3x/2 + x²/2.
    if q == 2 { #expect(l == [1, 1.5, 0.5]) }
  }

  @Test("constant-step error coefficient d/Δ = 1/((q+1)·H_q)", arguments: 1...5)
  func constantStepErrorCoefficient(order q: Int) {
    let xi = (1...7).map(Double.init)
    let harmonic = (1...q).reduce(0.0) { $0 + 1 / Double($1) }
    let e = xi.withUnsafeBufferPointer { BDFCoefficients.errorPerCorrection(order: q, xi: $0.baseAddress!) }
    #expect(abs(e - 1 / (Double(q + 1) * harmonic)) < 1e-15)
  }

  @Test("the order-change polynomial vanishes to second order at 0 and at −ξ₁…−ξ_m", arguments: 0...4)
  func orderChangePolynomial(pastPoints m: Int) {
    let xi = BDFCoefficientsTests.irregularXi()
    var c = [Double](repeating: 0, count: 8)
    xi.withUnsafeBufferPointer { x in
      c.withUnsafeMutableBufferPointer { BDFCoefficients.orderChangePolynomial(pastPoints: m, xi: x.baseAddress!, into: $0.baseAddress!) }
    }
    let p = Array(c[0...(m + 2)])
    #expect(p[0] == 0 && p[1] == 0 && p[m + 2] == 1)
    for j in 0..<m { #expect(abs(BDFCoefficientsTests.value(p, at: -xi[j])) < 1e-10) }
  }

  @Test("prediction moves the polynomial one step forward; undoing it restores the array")
  func predictAndUndo() {
    // p(x) = 1 + 2x + 3x² + 4x³ stored for n = 1; after the Pascal step the array holds the
    // scaled derivatives at x = 1: p(1) = 10, p′(1) = 2 + 6 + 12 = 20, p″(1)/2 = 3 + 12 = 15, 4.
    let base = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    defer { base.deallocate() }
    let original: [Double] = [1, 2, 3, 4]
    for j in 0..<4 { base[j] = original[j] }
    let z = NordsieckHistory(base: base, n: 1, maxOrder: 3)
    z.predict(order: 3)
    #expect((0..<4).map { base[$0] } == [10, 20, 15, 4])
    z.undoPrediction(order: 3)
    #expect((0..<4).map { base[$0] } == original)
    // Rescaling by η multiplies column j by η^j; evaluation uses Horner's rule.
    z.rescale(order: 3, by: 0.5)
    #expect((0..<4).map { base[$0] } == [1, 1, 0.75, 0.5])
    var out = 0.0
    z.evaluate(order: 3, at: 2, into: &out)
    #expect(out == 1 + 2 + 3 + 4)
  }
}
