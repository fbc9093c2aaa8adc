/// A ``SparseLUSymbolic``'s index arrays copied once into raw memory, for the numeric phases'
/// inner loops (Swift arrays there would cost bounds checks and retains). Shared by every solver
/// over the same symbolic phase: ``SparseLU`` and the ensemble's four-lane LU hold one each and
/// read the same layout.
public final class SparseLUIndexes: @unchecked Sendable {
  public let columnStarts: UnsafeMutablePointer<Int>        // n + 1
  public let diagonalPositions: UnsafeMutablePointer<Int>   // n
  public let rows: UnsafeMutablePointer<Int>                // factorCount
  public let entryMap: UnsafeMutablePointer<Int>            // pattern entries
  public let permutation: UnsafeMutablePointer<Int>         // n
  /// ``SparseLUSymbolic/lowerRows`` and ``SparseLUSymbolic/upperRows``.
  public let lowerStarts: UnsafeMutablePointer<Int>, lowerColumns: UnsafeMutablePointer<Int>
  public let lowerSlots: UnsafeMutablePointer<Int>
  public let upperStarts: UnsafeMutablePointer<Int>, upperColumns: UnsafeMutablePointer<Int>
  public let upperSlots: UnsafeMutablePointer<Int>

  public init(_ symbolic: SparseLUSymbolic) {
    func copy(_ array: [Int]) -> UnsafeMutablePointer<Int> {
      let p = UnsafeMutablePointer<Int>.allocate(capacity: max(array.count, 1))
      p.initialize(from: array, count: array.count)
      return p
    }
    columnStarts = copy(symbolic.columnStarts)
    diagonalPositions = copy(symbolic.diagonalPositions)
    rows = copy(symbolic.rows)
    entryMap = copy(symbolic.entryMap)
    permutation = copy(symbolic.permutation)
    lowerStarts = copy(symbolic.lowerRows.starts)
    lowerColumns = copy(symbolic.lowerRows.columns)
    lowerSlots = copy(symbolic.lowerRows.slots)
    upperStarts = copy(symbolic.upperRows.starts)
    upperColumns = copy(symbolic.upperRows.columns)
    upperSlots = copy(symbolic.upperRows.slots)
  }

  deinit {
    for p in [columnStarts, diagonalPositions, rows, entryMap, permutation, lowerStarts, lowerColumns, lowerSlots,
              upperStarts, upperColumns, upperSlots] { p.deallocate() }
  }
}

extension SparseLUIndexes {
  /// Overwrites `b` with M⁻¹b from factors in the slots of these indexes: P b, forward
  /// substitution with unit L, back substitution with U (times `inverseDiagonal`), Pᵀ. Row by row:
  /// each row subtracts its terms in the order the column-oriented sweep would reach them (so the
  /// roundings are the column sweep's) and keeps its sum in a register, which the processor
  /// overlaps far better than column updates through memory (the substitution is latency-bound).
  ///
  /// Written once for ``SparseLU`` (Double) and the ensemble's four-lane LU (SIMD4): `subtract(xi,
  /// l, xj)` is one term, xi − l·xj, where the caller decides whether a zero xj skips it;
  /// `scale(xi, d)` is xi·d.
  @inlinable @inline(__always)
  public func substitute<Element>(
    _ b: UnsafeMutablePointer<Element>, dimension n: Int, values: UnsafePointer<Element>,
    inverseDiagonal: UnsafePointer<Element>, work x: UnsafeMutablePointer<Element>,
    subtract: (Element, Element, Element) -> Element, scale: (Element, Element) -> Element
  ) {
    let perm = permutation
    let lowerStarts = lowerStarts, lowerColumns = lowerColumns, lowerSlots = lowerSlots
    let upperStarts = upperStarts, upperColumns = upperColumns, upperSlots = upperSlots
    for i in 0..<n {
      var xi = b[perm[i]]
      for e in lowerStarts[i]..<lowerStarts[i + 1] { xi = subtract(xi, values[lowerSlots[e]], x[lowerColumns[e]]) }
      x[i] = xi
    }
    var i = n - 1
    while i >= 0 {
      var xi = x[i]
      for e in upperStarts[i]..<upperStarts[i + 1] { xi = subtract(xi, values[upperSlots[e]], x[upperColumns[e]]) }
      x[i] = scale(xi, inverseDiagonal[i])
      i -= 1
    }
    for k in 0..<n { b[perm[k]] = x[k] }
  }
}
