/// A writable view of an n×n matrix in dense column-major, LAPACK band or sparse (CSC) storage.
///
/// Problems fill their Jacobian through this view with `view[i, j] = value` (0-based row i,
/// column j) and never need to know the layout. In band storage an entry outside the band
/// must not be written (it is a precondition, checked in debug builds); in sparse storage an
/// entry outside the pattern must not be written (a precondition, always checked). Sparse
/// entries are found by a binary search in their column: code on a hot path writes
/// `base[position]` directly with positions from ``SparsityPattern/position(_:_:)``.
public struct MatrixView {
  public let base: UnsafeMutablePointer<Double>
  public let dimension: Int
  public let structure: MatrixStructure
  /// Entry (i, j) lives at base[i + shift + j·stride]: dense shift 0, stride n; LAPACK band
  /// storage ab[ku + i − j + j·ldab] gives shift ku, stride ldab − 1.
  @usableFromInline let shift: Int
  @usableFromInline let stride: Int

  public init(base: UnsafeMutablePointer<Double>, dimension: Int, structure: MatrixStructure) {
    self.base = base
    self.dimension = dimension
    self.structure = structure
    switch structure {
    case .dense:
      shift = 0
      stride = dimension
    case .banded(let kl, let ku):
      shift = ku
      stride = kl + ku
    case .sparse:
      shift = 0
      stride = 0
    }
  }

  /// Entry (i, j), 0-based.
  @inlinable public subscript(i: Int, j: Int) -> Double {
    get {
      switch structure {
      case .dense: return base[offset(i, j)]
      case .banded(let kl, let ku): return i - j > kl || j - i > ku ? 0 : base[offset(i, j)]
      case .sparse(let pattern):
        guard let p = pattern.position(i, j) else { return 0 }
        return base[p]
      }
    }
    nonmutating set {
      if case .sparse(let pattern) = structure {
        guard let p = pattern.position(i, j) else {
          preconditionFailure("entry (\(i), \(j)) is not in the sparsity pattern")
        }
        base[p] = newValue
      } else {
        base[offset(i, j)] = newValue
      }
    }
  }

  @inlinable func offset(_ i: Int, _ j: Int) -> Int { i + shift + j * stride }

  /// Sets every stored entry to zero.
  public func zero() {
    base.update(repeating: 0, count: structure.storageCount(dimension: dimension))
  }

  /// Whether (i, j) lies inside the stored structure.
  @inlinable public func contains(_ i: Int, _ j: Int) -> Bool {
    switch structure {
    case .dense: return true
    case .banded(let kl, let ku): return i - j <= kl && j - i <= ku
    case .sparse(let pattern): return pattern.position(i, j) != nil
    }
  }
}
