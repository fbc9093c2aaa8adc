/// A correlation between two parameters' between-person variability, for sampling virtual
/// populations: `correlations: [{between: [cd38_scale, parp_scale], r: 0.4, source: "..."}]`.
///
/// Both parameters carry a `variability`, and `coefficient` is the correlation of their sampled
/// values (for lognormal parameters, of the normal variables under the logarithm). The loader
/// checks that every name is a parameter with a variability, that no pair appears twice, that
/// |r| < 1, and that the matrix of all correlated parameters is positive definite (it can then be
/// factored by Cholesky for sampling).
public struct ParameterCorrelation: Sendable {
  public var first: String
  public var second: String
  /// Pearson correlation coefficient, −1 < r < 1.
  public var coefficient: Double
  public var source: String

  public init(first: String, second: String, coefficient: Double, source: String) {
    self.first = first
    self.second = second
    self.coefficient = coefficient
    self.source = source
  }
}

extension ParameterCorrelation {
  /// The lower-triangular Cholesky factor L of a symmetric matrix A = L Lᵀ (row-major, n × n), or
  /// the index of the first pivot that is not positive (A is not positive definite).
  static func cholesky(_ a: [Double], n: Int) -> Result<[Double], CholeskyFailure> {
    var l = [Double](repeating: 0, count: n * n)
    for j in 0..<n {
      var diagonal = a[j * n + j]
      for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
      guard diagonal > 1e-12 else { return .failure(CholeskyFailure(pivot: j)) }
      let root = diagonal.squareRoot()
      l[j * n + j] = root
      for i in (j + 1)..<n {
        var sum = a[i * n + j]
        for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
        l[i * n + j] = sum / root
      }
    }
    return .success(l)
  }

  struct CholeskyFailure: Error { var pivot: Int }
}
