import Foundation
import Testing
import NadsimODE

/// The Radau IIA(5) coefficients checked against definitions from outside the code: the order
/// conditions of collocation methods B(5) and C(3) (Hairer & Wanner, Solving ODEs II, §IV.5,
/// Theorem 5.2 and Table 5.6), the nodes as zeros of the Radau polynomial, and the transformation
/// T⁻¹A⁻¹T = diag(γ, [[α, −β], [β, α]]) that the Newton iteration relies on (§IV.8).
@Suite("Radau IIA(5) coefficients")
struct RadauIIA5Tests {
  static let a = RadauIIA5.a, c = RadauIIA5.c
  /// b = last row of A (stiff accuracy: c₃ = 1).
  static var b: [Double] { Array(a[6..<9]) }

  static func product(_ x: [Double], _ y: [Double]) -> [Double] {
    var r = [Double](repeating: 0, count: 9)
    for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { r[i * 3 + j] += x[i * 3 + k] * y[k * 3 + j] } } }
    return r
  }

  @Test("B(5): Σ bᵢ cᵢ^(k−1) = 1/k for k = 1…5 (quadrature of order 5)")
  func quadratureOrder() {
    for k in 1...5 {
      let sum = (0..<3).reduce(0.0) { $0 + Self.b[$1] * pow(Self.c[$1], Double(k - 1)) }
      #expect(abs(sum - 1 / Double(k)) < 1e-15, "k = \(k): \(sum)")
    }
  }

  @Test("C(3): Σⱼ aᵢⱼ cⱼ^(k−1) = cᵢᵏ/k for k = 1…3 (stage order 3)")
  func stageOrder() {
    for i in 0..<3 {
      for k in 1...3 {
        let sum = (0..<3).reduce(0.0) { $0 + Self.a[i * 3 + $1] * pow(Self.c[$1], Double(k - 1)) }
        #expect(abs(sum - pow(Self.c[i], Double(k)) / Double(k)) < 1e-15, "row \(i + 1), k = \(k)")
      }
    }
  }

  @Test("c₁, c₂ are the zeros of 10c² − 8c + 1 (Radau right points, s = 3)")
  func nodes() {
    for x in Self.c[0..<2] { #expect(abs(10 * x * x - 8 * x + 1) < 1e-15) }
    #expect(Self.c[2] == 1)
  }

  @Test("T⁻¹·T = I and T⁻¹A⁻¹T = diag(γ, [[α, −β], [β, α]])")
  func transformation() {
    let t = RadauIIA5.t, ti = RadauIIA5.tInverse
    let identity = Self.product(ti, t)
    for i in 0..<3 { for j in 0..<3 { #expect(abs(identity[i * 3 + j] - (i == j ? 1 : 0)) < 1e-15) } }
    // T⁻¹A⁻¹T = Λ  ⇔  A·T·Λ = T; checking the latter needs no inverse of A.
    let (g, al, be) = (RadauIIA5.gamma, RadauIIA5.alpha, RadauIIA5.beta)
    let lambda: [Double] = [g, 0, 0, 0, al, -be, 0, be, al]
    let lhs = Self.product(Self.product(Self.a, t), lambda)
    for k in 0..<9 { #expect(abs(lhs[k] - t[k]) < 1e-14, "entry \(k): \(lhs[k]) vs \(t[k])") }
    // The values quoted in Hairer & Wanner (γ = 3.637834252744496, α ± iβ = 2.681082873627752 ±
    // 3.050430199247410i).
    #expect(abs(g - 3.637834252744496) < 1e-14)
    #expect(abs(al - 2.681082873627752) < 1e-14)
    #expect(abs(be - 3.050430199247410) < 1e-14)
  }
}
