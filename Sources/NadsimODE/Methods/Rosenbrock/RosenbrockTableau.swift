/// Coefficients of an s-stage Rosenbrock method in the transformed form of Hairer & Wanner
/// (Solving ODEs II, §IV.7, eq. 7.25), which needs no matrix–vector products with J:
///
///     (I/(hγ) − J) kᵢ = f(t + cᵢh, y₀ + Σⱼ<ᵢ aᵢⱼ kⱼ) + Σⱼ<ᵢ (Cᵢⱼ/h) kⱼ + dᵢ h ∂f/∂t
///     y₁ = y₀ + Σ bⱼ kⱼ,   error estimate = Σ b̂ⱼ kⱼ
///
/// Dense output (when `dense` is not empty) uses q extra combinations Kᵣ = Σ denseᵣⱼ kⱼ:
/// y(t₀+θh) = (1−θ)y₀ + θ(y₁ + (1−θ)(K₁ + θ(K₂ + θ(K₃ + …)))).
public struct RosenbrockTableau: Sendable {
  public let name: String
  /// Order of y₁.
  public let order: Int
  /// Order of the embedded solution used for error control.
  public let embeddedOrder: Int
  public let gamma: Double
  /// Strictly lower-triangular, row-major s×s.
  public let a: [Double]
  /// Strictly lower-triangular, row-major s×s.
  public let C: [Double]
  public let b: [Double]
  public let bError: [Double]
  public let c: [Double]
  public let d: [Double]
  /// Dense-output rows, each of s entries.
  public let dense: [[Double]]

  public var stages: Int { b.count }

  /// Builds a tableau from rows of the strictly lower triangles (row i has i entries).
  init(name: String, order: Int, embeddedOrder: Int, gamma: Double, aRows: [[Double]],
       CRows: [[Double]], b: [Double], bError: [Double], c: [Double], d: [Double],
       dense: [[Double]]) {
    let s = b.count
    precondition(aRows.count == s && CRows.count == s && c.count == s && d.count == s)
    var a = [Double](repeating: 0, count: s * s)
    var C = a
    for i in 0..<s {
      precondition(aRows[i].count == i && CRows[i].count == i, "row \(i) of \(name) has the wrong length")
      for j in 0..<i {
        a[i * s + j] = aRows[i][j]
        C[i * s + j] = CRows[i][j]
      }
    }
    self.name = name
    self.order = order
    self.embeddedOrder = embeddedOrder
    self.gamma = gamma
    self.a = a
    self.C = C
    self.b = b
    self.bError = bError
    self.c = c
    self.d = d
    self.dense = dense
  }
}
