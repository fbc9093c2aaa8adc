/// The symbolic phase of a sparse LU without numerical pivoting: the elimination order, the exact
/// fill of L + U in that order, and where each entry of the original matrix lands in the factor
/// storage. Computed once per pattern and shared by every numeric factorisation over it: the scalar
/// ``SparseLU`` and the four-lane LU of the ensemble integrator use the same symbolic phase, so
/// they eliminate in the same order over the same slots.
///
/// A fill-reducing symmetric permutation P is chosen by minimum degree on the graph of A + Aᵀ
/// (exact elimination graph, ties to the lowest index), and the fill of L and U for P·A·Pᵀ is
/// computed by symbolic Gaussian elimination on bit rows. The factors are laid out in one
/// compressed-column array over the permuted indices: in column j the rows of U above the
/// diagonal, the diagonal, then the rows of L below it, all ascending.
public struct SparseLUSymbolic: Sendable {
  /// Matrix order n.
  public let dimension: Int
  /// Elimination order: position k of P·A·Pᵀ is original index `permutation[k]`.
  public let permutation: [Int]
  /// Inverse of ``permutation``: original index i is position `inversePermutation[i]`.
  public let inversePermutation: [Int]
  /// n + 1 offsets of the factor columns into ``rows`` (permuted column index).
  public let columnStarts: [Int]
  /// Permuted row index of each factor slot, ascending within a column.
  public let rows: [Int]
  /// Slot of the diagonal entry of each (permuted) column.
  public let diagonalPositions: [Int]
  /// For stored entry p of the pattern (its compressed-column order), the factor slot it is
  /// scattered to.
  public let entryMap: [Int]

  /// Stored entries of L + U (diagonal included), i.e. the pattern after fill.
  public var factorCount: Int { rows.count }

  /// The factors' off-diagonal slots by row, for substitution row by row: row i's entries in
  /// `columns[starts[i]..<starts[i + 1]]` (permuted column index) and `slots` (factor slot).
  public struct RowOrder: Sendable {
    public let starts: [Int]
    public let columns: [Int]
    public let slots: [Int]
  }
  /// Strict lower triangle (L) by row, columns ascending: forward substitution row by row then
  /// subtracts in the same order as the column-oriented sweep, so the results are identical.
  public let lowerRows: RowOrder
  /// Strict upper triangle (U) by row, columns descending (the order in which the
  /// column-oriented back substitution reaches the row).
  public let upperRows: RowOrder

  /// - Parameters:
  ///   - pattern: structure of the matrix (the diagonal is always part of it).
  ///   - ordering: `false` keeps the natural order (tests and measurements of fill).
  public init(pattern: SparsityPattern, ordering: Bool = true) {
    let n = pattern.dimension
    dimension = n
    let order = ordering ? SparseLUSymbolic.minimumDegreeOrder(pattern) : Array(0..<n)
    permutation = order
    var inverse = [Int](repeating: 0, count: n)
    for (k, v) in order.enumerated() { inverse[v] = k }
    inversePermutation = inverse

    // Symbolic elimination on bit rows of P·A·Pᵀ: row i gains row k's entries right of k for
    // every i > k with (i, k) non-zero.
    let words = (n + 63) / 64
    var bits = [UInt64](repeating: 0, count: n * words)
    func set(_ i: Int, _ j: Int) { bits[i * words + j / 64] |= 1 << UInt64(j % 64) }
    func test(_ i: Int, _ j: Int) -> Bool { bits[i * words + j / 64] & (1 << UInt64(j % 64)) != 0 }
    for j in 0..<n {
      for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
        set(inverse[pattern.rowIndices[p]], inverse[j])
      }
    }
    for k in 0..<n {
      let firstWord = (k + 1) / 64
      for i in (k + 1)..<n where test(i, k) {
        for w in firstWord..<words {
          var word = bits[k * words + w]
          if w == firstWord { word &= ~((1 << UInt64((k + 1) % 64)) &- 1) }  // columns > k only
          bits[i * words + w] |= word
        }
      }
    }
    var starts = [0], rowList: [Int] = [], diagonal = [Int](repeating: 0, count: n)
    for j in 0..<n {
      for i in 0..<n where test(i, j) {
        if i == j { diagonal[j] = rowList.count }
        rowList.append(i)
      }
      starts.append(rowList.count)
    }
    columnStarts = starts
    rows = rowList
    diagonalPositions = diagonal

    var map = [Int](repeating: 0, count: pattern.count)
    for j in 0..<n {
      let pj = inverse[j]
      for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
        let pi = inverse[pattern.rowIndices[p]]
        var q = starts[pj]
        while rowList[q] != pi { q += 1 }
        map[p] = q
      }
    }
    entryMap = map

    var lower = [[(Int, Int)]](repeating: [], count: n), upper = [[(Int, Int)]](repeating: [], count: n)
    for j in 0..<n {
      for q in starts[j]..<starts[j + 1] where rowList[q] != j {
        if rowList[q] > j { lower[rowList[q]].append((j, q)) } else { upper[rowList[q]].append((j, q)) }
      }
    }
    func rowOrder(_ byRow: [[(Int, Int)]], descending: Bool) -> RowOrder {
      var starts = [0], columns: [Int] = [], slots: [Int] = []
      for entries in byRow {
        for (column, slot) in entries.sorted(by: { descending ? $0.0 > $1.0 : $0.0 < $1.0 }) {
          columns.append(column)
          slots.append(slot)
        }
        starts.append(columns.count)
      }
      return RowOrder(starts: starts, columns: columns, slots: slots)
    }
    lowerRows = rowOrder(lower, descending: false)
    upperRows = rowOrder(upper, descending: true)
  }

  /// Minimum-degree order of the graph of A + Aᵀ (self-loops ignored): repeatedly eliminates a
  /// vertex of least current degree (the lowest index among ties) and joins its neighbours into a
  /// clique. Exact elimination graph, no quotient graph or approximate degrees: fine for the few
  /// hundred states of kinetic models, run once per pattern.
  public static func minimumDegreeOrder(_ pattern: SparsityPattern) -> [Int] {
    let n = pattern.dimension
    var adjacency = [Set<Int>](repeating: [], count: n)
    for j in 0..<n {
      for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
        let i = pattern.rowIndices[p]
        if i != j {
          adjacency[i].insert(j)
          adjacency[j].insert(i)
        }
      }
    }
    var eliminated = [Bool](repeating: false, count: n)
    var order: [Int] = []
    order.reserveCapacity(n)
    for _ in 0..<n {
      var best = -1, bestDegree = Int.max
      for v in 0..<n where !eliminated[v] && adjacency[v].count < bestDegree {
        best = v
        bestDegree = adjacency[v].count
      }
      eliminated[best] = true
      order.append(best)
      let neighbours = adjacency[best]
      for u in neighbours {
        adjacency[u].remove(best)
        for w in neighbours where w != u { adjacency[u].insert(w) }
      }
      adjacency[best] = []
    }
    return order
  }
}
