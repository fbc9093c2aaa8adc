/// Coefficients of an explicit Runge–Kutta pair (Butcher tableau) with its error estimator and
/// dense output:
///
///     c₁ = 0 |
///     c₂     | a₂₁
///     c₃     | a₃₁ a₃₂
///     ⋮      | ⋮          ⋱
///     cₛ     | aₛ₁ aₛ₂ … aₛ,ₛ₋₁
///     -------+--------------------
///            | b₁  b₂  …  bₛ₋₁  bₛ        y₁ = y₀ + h Σ bⱼ kⱼ
///            | ê₁  ê₂  …  êₛ₋₁  êₛ        error estimate = h Σ êⱼ kⱼ  (`bError`)
///
/// with kᵢ = f(t₀ + cᵢh, y₀ + h Σⱼ<ᵢ aᵢⱼ kⱼ). `bError` is the difference of the propagated and
/// the embedded weights, so Σ êⱼ = 0.
///
/// Facts that follow from the coefficients are derived here rather than declared: the stage
/// count, whether the method is FSAL (first same as last: the last stage is evaluated at
/// (t₀ + h, y₁), so it is the next step's first stage), and the stability boundary on the
/// negative real axis (used by the automatic method to detect stiffness).
public struct ExplicitRKTableau: Sendable {
  /// How the step's error norm is formed from the stages.
  public enum ErrorEstimator: Sendable {
    /// ‖h Σ êⱼ kⱼ‖: one embedded solution.
    case embedded
    /// Dormand–Prince 8(5,3) (Hairer, Nørsett & Wanner, Solving ODEs I, §II.10): with the
    /// order-5 estimate e₅ = h Σ êⱼ kⱼ (`bError`) and the order-3 estimate e₃ = h Σ ěⱼ kⱼ
    /// (`thirdOrder`), err = ‖e₅‖² / √(‖e₅‖² + 0.01‖e₃‖²), which behaves like O(h⁸) and stays
    /// reliable at large steps where the order-5 estimate alone would be too optimistic.
    case dormandPrince853(thirdOrder: [Double])
  }

  /// The continuous extension used for output between steps.
  public enum Interpolant: Sendable {
    /// A free interpolant: y(t₀ + θh) = y₀ + h Σⱼ bⱼ(θ) kⱼ with bⱼ(θ) = Σₚ rⱼₚ θᵖ, p = 1…q.
    /// `coefficients[j]` holds rⱼ₁ … rⱼq for stage j.
    case polynomial(coefficients: [[Double]])
    /// DOP853's order-7 dense output: three extra stages (rows of `a` over the 12 stages, the
    /// stage f(t₁, y₁) and the earlier extra stages) and four rows `d` that complete the
    /// Hairer–Wanner representation (see ``DOP853Dense``).
    case dormandPrince853(DOP853Dense)
  }

  public let name: String
  /// Order of y₁.
  public let order: Int
  /// Order of the embedded solution (for DOP853, the order-5 one).
  public let embeddedOrder: Int
  /// Order q of the error estimate as the step-size controller sees it: the estimate is
  /// O(h^(q+1)). Equal to ``embeddedOrder`` for a plain embedded pair; 7 for DOP853.
  public let errorEstimateOrder: Int
  /// Strictly lower-triangular, row-major s×s.
  public let a: [Double]
  public let b: [Double]
  public let bError: [Double]
  public let c: [Double]
  public let errorEstimator: ErrorEstimator
  public let interpolant: Interpolant
  /// Order of the dense output.
  public let interpolantOrder: Int
  /// Step-size controller recommended for this pair (its initial state).
  public let controller: PIController

  /// Number of stages s.
  public let stages: Int
  /// True when cₛ = 1, aₛⱼ = bⱼ and bₛ = 0: the last stage is f(t₀ + h, y₁) and is reused as
  /// the next step's first, so a step costs s − 1 RHS calls.
  public let isFSAL: Bool
  /// The largest r such that |R(x)| ≤ 1 on [−r, 0], R the stability polynomial of the
  /// propagated solution: explicit steps with h·ρ(J) above it are unstable.
  public let realStabilityBoundary: Double

  /// Builds a tableau from the rows of the strictly lower triangle of `a` (row i has i entries).
  init(name: String, order: Int, embeddedOrder: Int, errorEstimateOrder: Int? = nil,
       aRows: [[Double]], b: [Double], bError: [Double], c: [Double],
       errorEstimator: ErrorEstimator = .embedded, interpolant: Interpolant,
       interpolantOrder: Int, controller: PIController) {
    let s = b.count
    precondition(aRows.count == s && bError.count == s && c.count == s, "\(name): shapes differ")
    var a = [Double](repeating: 0, count: s * s)
    for i in 0..<s {
      precondition(aRows[i].count == i, "row \(i) of \(name) has the wrong length")
      for j in 0..<i { a[i * s + j] = aRows[i][j] }
    }
    self.name = name
    self.order = order
    self.embeddedOrder = embeddedOrder
    self.errorEstimateOrder = errorEstimateOrder ?? embeddedOrder
    self.a = a
    self.b = b
    self.bError = bError
    self.c = c
    self.errorEstimator = errorEstimator
    self.interpolant = interpolant
    self.interpolantOrder = interpolantOrder
    self.controller = controller
    stages = s
    isFSAL = c[s - 1] == 1 && b[s - 1] == 0 && (0..<(s - 1)).allSatisfy { a[(s - 1) * s + $0] == b[$0] }
    realStabilityBoundary = ExplicitRKTableau.stabilityBoundary(a: a, b: b, stages: s)
  }

  /// Coefficients γₖ = bᵀA^(k−1)𝟙 of the stability polynomial R(z) = 1 + Σₖ γₖ zᵏ, k = 1…s.
  public var stabilityPolynomial: [Double] {
    ExplicitRKTableau.stabilityPolynomial(a: a, b: b, stages: stages)
  }

  static func stabilityPolynomial(a: [Double], b: [Double], stages s: Int) -> [Double] {
    var gamma = [1.0]
    var v = [Double](repeating: 1, count: s)
    for _ in 1...s {
      var dot = 0.0
      for j in 0..<s { dot += b[j] * v[j] }
      gamma.append(dot)
      var w = [Double](repeating: 0, count: s)
      for i in 0..<s { for j in 0..<i { w[i] += a[i * s + j] * v[j] } }
      v = w
    }
    return gamma
  }

  /// Scans the negative real axis for the first x with |R(x)| > 1, then bisects.
  static func stabilityBoundary(a: [Double], b: [Double], stages s: Int) -> Double {
    let gamma = stabilityPolynomial(a: a, b: b, stages: s)
    func unstable(_ x: Double) -> Bool {
      var r = 0.0
      for g in gamma.reversed() { r = r * x + g }
      return abs(r) > 1
    }
    let step = 1.0 / 64
    var x = -step
    while x > -100 && !unstable(x) { x -= step }
    var stable = x + step, bad = x
    for _ in 0..<60 {
      let mid = 0.5 * (stable + bad)
      if unstable(mid) { bad = mid } else { stable = mid }
    }
    return -stable
  }
}

/// The continuous extension of DOP853 (Hairer, Nørsett & Wanner, Solving ODEs I, §II.6 and the
/// code dop853.f): with k₁₃ = f(t₀ + h, y₁) and three extra stages k₁₄, k₁₅, k₁₆,
///
///     y(t₀ + θh) = r₁ + θ(r₂ + θ'(r₃ + θ(r₄ + θ'(r₅ + θ(r₆ + θ'(r₇ + θ r₈)))))),   θ' = 1 − θ,
///     r₁ = y₀,  r₂ = y₁ − y₀,  r₃ = h k₁ − r₂,  r₄ = r₂ − h k₁₃ − r₃,  r₅₊ᵢ = h Σⱼ dᵢⱼ kⱼ.
public struct DOP853Dense: Sendable {
  /// Rows of the extra stages 14, 15, 16 over stages 1…16 (zeros past the stage's own index).
  public let a: [[Double]]
  /// Nodes of the extra stages.
  public let c: [Double]
  /// The four rows d₄, d₅, d₆, d₇ over stages 1…16.
  public let d: [[Double]]
}
