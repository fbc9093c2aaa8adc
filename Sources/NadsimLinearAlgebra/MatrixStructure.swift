/// The sparsity shape of a square matrix, which decides its storage and its LU.
///
/// `.dense` stores all n×n entries column-major. `.banded(lower:upper:)` stores only the
/// diagonals from `lower` below to `upper` above the main one, in LAPACK band layout.
/// `.sparse(pattern)` stores only the entries of the pattern (diagonal included), in its
/// compressed-column order (see ``SparsityPattern``), and is factorised by ``SparseLU``.
public enum MatrixStructure: Equatable, Sendable {
  case dense
  case banded(lower: Int, upper: Int)
  case sparse(SparsityPattern)

  /// Number of stored doubles for an n×n matrix of this structure (no LU fill-in).
  public func storageCount(dimension n: Int) -> Int {
    switch self {
    case .dense: return n * n
    case .banded(let kl, let ku): return (kl + ku + 1) * n
    case .sparse(let pattern): return pattern.count
    }
  }
}
