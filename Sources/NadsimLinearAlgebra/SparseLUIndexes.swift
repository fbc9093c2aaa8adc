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
