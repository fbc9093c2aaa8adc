import Testing
import Foundation
import NadsimODE

/// Consistency and order conditions of the explicit Runge–Kutta tableaus (the checks of diffrax's
/// `ButcherTableau.__post_init__` and ARKODE's `ARKodeButcherTable_CheckOrder`), worked out from
/// rooted trees (Hairer, Nørsett & Wanner, Solving ODEs I, §II.2).
@Suite("Explicit Runge–Kutta tableaus")
struct ExplicitRKTableauTests {
  static let tableaus: [ExplicitRKTableau] = [.tsit5, .dop853]

  @Test("row sums equal c, Σb = 1, Σ bError = 0", arguments: tableaus.map(\.name))
  func consistency(name: String) {
    let tableau = Self.tableaus.first { $0.name == name }!
    let s = tableau.stages
    for i in 0..<s {
      let rowSum = (0..<s).reduce(0.0) { $0 + tableau.a[i * s + $1] }
      #expect(abs(rowSum - tableau.c[i]) < 1e-14, "\(name) row \(i + 1): Σa = \(rowSum), c = \(tableau.c[i])")
      for j in i..<s { #expect(tableau.a[i * s + j] == 0, "\(name): a is not strictly lower") }
    }
    #expect(abs(tableau.b.reduce(0, +) - 1) < 1e-14)
    #expect(abs(tableau.bError.reduce(0, +)) < 1e-14)
  }

  @Test("FSAL is derived from the coefficients")
  func fsal() {
    // Tsit5's last row is b with c₇ = 1 (Tsitouras 2011, Table 1); DOP853 has no such row.
    #expect(ExplicitRKTableau.tsit5.isFSAL)
    #expect(!ExplicitRKTableau.dop853.isFSAL)
    #expect(ExplicitRKTableau.tsit5.stages == 7)
    #expect(ExplicitRKTableau.dop853.stages == 12)
  }

  @Test("rooted trees are counted right")
  func treeCounts() {
    // Number of rooted trees with n vertices, n = 1…8: OEIS A000081.
    let trees = RootedTree.all(upTo: 8)
    let counts = (1...8).map { n in trees.filter { $0.order == n }.count }
    #expect(counts == [1, 1, 2, 4, 9, 20, 48, 115])
  }

  @Test("Tsit5: order 5, embedded order 4, not order 6")
  func tsit5Order() {
    let t = ExplicitRKTableau.tsit5
    #expect(orderConditionResidual(weights: t.b, a: t.a, order: 5) < 1e-14)
    // bError = embedded − propagated weights (OrdinaryDiffEq.jl's btilde).
    let embedded = zip(t.b, t.bError).map { $0 + $1 }
    #expect(orderConditionResidual(weights: embedded, a: t.a, order: 4) < 1e-14)
    #expect(orderConditionResidual(weights: embedded, a: t.a, order: 5) > 1e-6)
    #expect(orderConditionResidual(weights: t.b, a: t.a, order: 6) > 1e-6)
  }

  @Test("DOP853: order 8, order-5 and order-3 estimates")
  func dop853Order() {
    let t = ExplicitRKTableau.dop853
    #expect(orderConditionResidual(weights: t.b, a: t.a, order: 8) < 1e-13)
    // The order-5 solution is b − bError (dop853.f: err₅ = Σ erⱼ kⱼ = y₈ − y₅).
    let fifth = zip(t.b, t.bError).map { $0 - $1 }
    #expect(orderConditionResidual(weights: fifth, a: t.a, order: 5) < 1e-13)
    guard case .dormandPrince853(let thirdOrder) = t.errorEstimator else {
      Issue.record("DOP853 must use the 8(5,3) estimator")
      return
    }
    let third = zip(t.b, thirdOrder).map { $0 - $1 }
    #expect(orderConditionResidual(weights: third, a: t.a, order: 3) < 1e-13)
    #expect(abs(thirdOrder.reduce(0, +)) < 1e-14)
  }

  @Test("Tsit5 interpolant: order 4 for θ in (0, 1], equal to b at θ = 1")
  func tsit5Interpolant() {
    let t = ExplicitRKTableau.tsit5
    guard case .polynomial(let rows) = t.interpolant else {
      Issue.record("Tsit5 has a polynomial interpolant")
      return
    }
    for theta in [0.1, 0.25, 0.5, 0.8, 1.0] {
      let weights = rows.map { r in r.enumerated().reduce(0.0) { $0 + $1.element * pow(theta, Double($1.offset + 1)) } }
      #expect(orderConditionResidual(weights: weights, a: t.a, order: 4, theta: theta) < 1e-14,
              "θ = \(theta)")
    }
    // The rⱼₚ are tabulated to ~17 digits with magnitudes up to 88: agreement to a few 1e-14.
    let atOne = rows.map { $0.reduce(0, +) }
    for j in 0..<t.stages { #expect(abs(atOne[j] - t.b[j]) < 1e-13) }
  }

  @Test("DOP853 dense output: order 7 over the 16 stages, equal to y₁ at θ = 1")
  func dop853DenseOutput() {
    let t = ExplicitRKTableau.dop853
    guard case .dormandPrince853(let dense) = t.interpolant else {
      Issue.record("DOP853 has its own dense output")
      return
    }
    // Extended tableau: stages 1–12, stage 13 = f(t₀ + h, y₁) (row b, c = 1), stages 14–16.
    let s = 16
    var a = [Double](repeating: 0, count: s * s)
    var c = [Double](repeating: 0, count: s)
    for i in 0..<12 {
      c[i] = t.c[i]
      for j in 0..<12 { a[i * s + j] = t.a[i * 12 + j] }
    }
    for j in 0..<12 { a[12 * s + j] = t.b[j] }
    c[12] = 1
    for e in 0..<3 {
      c[13 + e] = dense.c[e]
      for j in 0..<s { a[(13 + e) * s + j] = dense.a[e][j] }
    }
    for i in 0..<s {
      let rowSum = (0..<s).reduce(0.0) { $0 + a[i * s + $1] }
      #expect(abs(rowSum - c[i]) < 1e-14, "extended row \(i + 1)")
      for j in i..<s { #expect(a[i * s + j] == 0) }
    }
    // Coefficients of magnitude up to 530 leave relative residuals of a few 1e-13 from
    // rounding; a wrong digit anywhere would show as ≥ 1e-8, and order 8 must fail inside (0, 1).
    for theta in [0.1, 0.3, 0.5, 0.7, 0.9, 1.0] {
      let weights = dense.weights(theta: theta, b: t.b)
      #expect(orderConditionResidual(weights: weights, a: a, order: 7, theta: theta) < 2e-12,
              "θ = \(theta)")
      if theta < 1 {
        #expect(orderConditionResidual(weights: weights, a: a, order: 8, theta: theta) > 1e-6)
      }
    }
    let atOne = dense.weights(theta: 1, b: t.b)
    for j in 0..<s { #expect(abs(atOne[j] - (j < 12 ? t.b[j] : 0)) < 1e-13) }
  }

  @Test("real stability boundaries")
  func stabilityBoundary() {
    // Tsit5: 3.5068 (OrdinaryDiffEq.jl, lib/OrdinaryDiffEqTsit5/src/alg_utils.jl,
    // alg_stability_size). DOP853: dop853.f flags stiffness at h·λ > 6.1, just inside its
    // boundary (Hairer & Wanner, Solving ODEs II, §IV.2).
    #expect(abs(ExplicitRKTableau.tsit5.realStabilityBoundary - 3.5068) < 1e-3)
    let dop = ExplicitRKTableau.dop853.realStabilityBoundary
    #expect(dop > 6.1 && dop < 7)
    // The stability polynomial of an order-p method agrees with eᶻ up to zᵖ.
    var factorial = 1.0
    for (k, gamma) in ExplicitRKTableau.dop853.stabilityPolynomial.prefix(9).enumerated() {
      if k > 0 { factorial *= Double(k) }
      #expect(abs(gamma - 1 / factorial) < 1e-13)
    }
  }
}
