/// The structurally non-zero entries of an n×n matrix, stored column by column (compressed sparse
/// columns, CSC), always including the whole diagonal.
///
/// A matrix with this structure is stored as ``count`` doubles: entry number p (0-based) is row
/// `rowIndices[p]` of the column j with `columnStarts[j] ≤ p < columnStarts[j + 1]`. Rows are
/// sorted within a column. The diagonal is always present, because the Newton matrices
/// M = d·I − s·J of implicit methods add to it.
///
/// Immutable after construction, so one pattern is shared by every solver and view that uses it.
public final class SparsityPattern: Equatable, Sendable, CustomStringConvertible {
  public let dimension: Int
  /// n + 1 offsets into ``rowIndices``.
  public let columnStarts: [Int]
  /// Row of each stored entry, ascending within each column.
  public let rowIndices: [Int]

  /// Builds the pattern of the given (row, column) entries plus the diagonal. Duplicates are
  /// merged; indices must lie in 0..<dimension.
  public init(dimension n: Int, entries: [(row: Int, column: Int)]) {
    precondition(n > 0, "a sparsity pattern needs a positive dimension")
    var columns = [[Int]](repeating: [], count: n)
    for j in 0..<n { columns[j].append(j) }
    for (i, j) in entries {
      precondition(i >= 0 && i < n && j >= 0 && j < n, "entry (\(i), \(j)) outside a \(n)×\(n) matrix")
      columns[j].append(i)
    }
    var starts = [0]
    var rows: [Int] = []
    for j in 0..<n {
      let sorted = Array(Set(columns[j])).sorted()
      rows.append(contentsOf: sorted)
      starts.append(rows.count)
    }
    dimension = n
    columnStarts = starts
    rowIndices = rows
  }

  /// Number of stored entries (the diagonal included).
  public var count: Int { rowIndices.count }

  /// Fraction of the n² entries that are stored.
  public var density: Double { Double(count) / Double(dimension * dimension) }

  /// Storage index of entry (i, j), or nil when it is not part of the pattern (binary search in
  /// column j).
  public func position(_ i: Int, _ j: Int) -> Int? {
    var low = columnStarts[j], high = columnStarts[j + 1]
    while low < high {
      let mid = (low + high) / 2
      let r = rowIndices[mid]
      if r == i { return mid }
      if r < i { low = mid + 1 } else { high = mid }
    }
    return nil
  }

  /// All entries as (row, column), column by column.
  public var entries: [(row: Int, column: Int)] {
    var out: [(row: Int, column: Int)] = []
    out.reserveCapacity(count)
    for j in 0..<dimension {
      for p in columnStarts[j]..<columnStarts[j + 1] { out.append((rowIndices[p], j)) }
    }
    return out
  }

  public static func == (a: SparsityPattern, b: SparsityPattern) -> Bool {
    a === b || (a.dimension == b.dimension && a.columnStarts == b.columnStarts && a.rowIndices == b.rowIndices)
  }

  public var description: String { "sparse \(dimension)×\(dimension), \(count) entries" }
}
