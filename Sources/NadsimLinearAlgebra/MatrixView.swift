/// A writable view of an n×n matrix in dense column-major or LAPACK band storage.
///
/// Problems fill their Jacobian through this view with `view[i, j] = value` (0-based row i,
/// column j) and never need to know the layout. In band storage an entry outside the band
/// must not be written (it is a precondition, checked in debug builds).
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
    }
  }

  /// Entry (i, j), 0-based.
  @inlinable public subscript(i: Int, j: Int) -> Double {
    get {
      if case .banded(let kl, let ku) = structure, i - j > kl || j - i > ku { return 0 }
      return base[offset(i, j)]
    }
    nonmutating set { base[offset(i, j)] = newValue }
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
    }
  }
}
