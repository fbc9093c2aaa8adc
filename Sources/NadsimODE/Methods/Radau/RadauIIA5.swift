import Foundation

/// Coefficients of Radau IIA of order 5 (three stages, stage order 3), the collocation method at
/// the Radau right points c = ((4 − √6)/10, (4 + √6)/10, 1), in the form the transformed simplified
/// Newton iteration of RADAU5 needs (Hairer & Wanner, Solving ODEs II, §IV.8).
///
/// A⁻¹ has one real eigenvalue γ and a complex pair α ± iβ; with T the matrix of (real and complex)
/// eigenvectors, T⁻¹A⁻¹T = diag(γ, [[α, −β], [β, α]]). In the variables W = (T⁻¹ ⊗ I)Z the Newton
/// system of the 3n stage increments splits into one real system with γ/h·I − J and one complex
/// system with (α + iβ)/h·I − J.
///
/// A, c, γ, α, β and the error weights are computed from their closed forms; T and T⁻¹ are the
/// 20-digit values published with RADAU5 (Hairer & Wanner, 1996). `RadauIIA5Tests` checks the
/// transformation against A and A against the order conditions.
public enum RadauIIA5 {
  static let sqrt6 = 6.0.squareRoot()

  /// Nodes cᵢ.
  public static let c: [Double] = [(4 - sqrt6) / 10, (4 + sqrt6) / 10, 1]

  /// The Butcher matrix A (row-major 3×3), in closed form. Not used by the stepper, which works
  /// in transformed variables; kept as the definition the transformation is checked against.
  public static let a: [Double] = [
    (88 - 7 * sqrt6) / 360, (296 - 169 * sqrt6) / 1800, (-2 + 3 * sqrt6) / 225,
    (296 + 169 * sqrt6) / 1800, (88 + 7 * sqrt6) / 360, (-2 - 3 * sqrt6) / 225,
    (16 - sqrt6) / 36, (16 + sqrt6) / 36, 1.0 / 9,
  ]

  /// Real eigenvalue of A⁻¹: γ = 30/(6 + ∛81 − ∛9) = 3.6378…
  public static let gamma: Double = 30 / (6 + cbrt(81.0) - cbrt(9.0))
  /// Real part α and imaginary part β of the complex eigenvalues α ± iβ of A⁻¹ (2.6811…, 3.0504…):
  /// the reciprocals of the complex eigenvalues a ± ib of A, a = (12 − ∛81 + ∛9)/60,
  /// b = √3(∛81 + ∛9)/60.
  public static let alpha: Double = {
    let (a, b) = complexEigenvalueOfA
    return a / (a * a + b * b)
  }()
  public static let beta: Double = {
    let (a, b) = complexEigenvalueOfA
    return b / (a * a + b * b)
  }()
  private static let complexEigenvalueOfA: (Double, Double) =
    ((12 - cbrt(81.0) + cbrt(9.0)) / 60, (cbrt(81.0) + cbrt(9.0)) * 3.0.squareRoot() / 60)

  /// T (row-major 3×3): Z = T·W.
  public static let t: [Double] = [
    9.1232394870892942792e-02, -0.14125529502095420843, -3.0029194105147424492e-02,
    0.24171793270710701896, 0.20412935229379993199, 0.38294211275726193779,
    0.96604818261509293619, 1, 0,
  ]

  /// T⁻¹ (row-major 3×3): W = T⁻¹·Z.
  public static let tInverse: [Double] = [
    4.3255798900631553510, 0.33919925181580986954, 0.54177053993587487119,
    -4.1787185915519047273, -0.32768282076106238708, 0.47662355450055045196,
    -0.50287263494578687595, 2.5719269498556054292, -0.59603920482822492497,
  ]

  /// Error-estimate weights eᵢ (Hairer & Wanner, §IV.8, eq. 8.19–8.20, RADAU5's scaling): the
  /// estimate is (γ/h·I − J)⁻¹·(f(t₀, y₀) + Σ eᵢZᵢ/h), which is O(h⁴) for smooth solutions and
  /// stays bounded for stiff components.
  public static let errorWeights: [Double] = [-(13 + 7 * sqrt6) / 3, (-13 + 7 * sqrt6) / 3, -1.0 / 3]

  /// Order of the error estimate (local error O(h⁴)): it sets the step-size exponent 1/4.
  public static let errorOrder = 3
}
