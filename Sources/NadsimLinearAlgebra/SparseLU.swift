/// Sparse direct LU for a matrix whose pattern is fixed (the Jacobian's pattern plus the diagonal),
/// refactorised many times with new values: the Newton matrices M = d·I − s·J of stiff solvers.
///
/// **Symbolic phase (once, in `init`: a ``SparseLUSymbolic``, which other solvers over the same
/// pattern can share).** A fill-reducing symmetric permutation P is chosen by minimum degree on the
/// graph of A + Aᵀ (exact elimination graph, ties to the lowest index), and the exact fill of L and
/// U for P·A·Pᵀ without further pivoting is computed (symbolic Gaussian elimination on bit rows).
/// Factors are stored in one compressed-column array: in column j the rows of U above the
/// diagonal, the diagonal, then the rows of L below it, all ascending.
///
/// **Numeric phase (each `factor`).** The Jacobian values are scattered straight from their
/// sparse storage into the factor storage through a precomputed map, then a left-looking column
/// LU (Gilbert–Peierls order, pattern known) runs with the diagonal as pivot (static pivoting).
/// Nothing is allocated.
///
/// **Pivot check and fallback.** Static pivoting goes wrong through a pivot that cancellation has
/// made small: the multipliers below it become large, and the entries they update grow. Each pivot
/// is therefore compared with the diagonal entry it came from: |uⱼⱼ/mⱼⱼ| must lie in [τ, 1/τ]
/// (default τ = 1e-3). A pivot that lost more than three digits fails directly; one that is small
/// from the start (mⱼⱼ tiny) fails through the growth it causes in the diagonals it updates (for
/// [[ε, 1], [1, 1]], u₁₁/m₁₁ = 1 − 1/ε). Unlike the threshold test of partial pivoting
/// (|uⱼⱼ| ≥ τ·maxᵢ|xᵢ| in the column), this ratio does not change under any row and column scaling
/// of M. That matters for kinetic models: species live in compartments of very different volumes,
/// so in concentration units the Jacobian is D⁻¹·J_amount·D (D the volumes), and a transfer
/// c₁ → c₂ puts k·V₁/V₂ next to a diagonal of size k. The threshold test rejected 79 % of the
/// nad-human Rosenbrock factorisations (29 % even after row equilibration), all of them harmless:
/// elimination without interchanges commutes with diagonal scaling (the factors of D⁻¹MD are
/// D⁻¹LD and D⁻¹UD), and in amount units mass-action Jacobians are column diagonally dominant (a
/// species' outflow on the diagonal, at least the sum of the inflows it feeds), a property the
/// Schur complements keep, so partial pivoting would not swap rows there either. The test is a
/// heuristic, not a bound: growth confined to off-diagonal entries (large multipliers that never
/// feed back into a later diagonal) is not seen.
/// Regulated rate laws, higher stoichiometries or a step so long that M ≈ −J is near singular can
/// fail it; then this factorisation is abandoned and the same M is factorised by ``DenseLU``
/// (partial pivoting), whose factors serve the solves until the next `factor`. The dense solver is created on the
/// first fallback (one allocation, then reused); ``denseFallbacks`` counts them.
public final class SparseLU: LinearSolver {
  public let dimension: Int
  public let pattern: SparsityPattern
  public var structure: MatrixStructure { .sparse(pattern) }
  @exclusivity(unchecked) public private(set) var factorizations = 0
  @exclusivity(unchecked) public private(set) var solves = 0
  /// Factorisations that failed the pivot test and were done by dense LU instead.
  @exclusivity(unchecked) public private(set) var denseFallbacks = 0
  /// τ of the pivot test (see the type's documentation).
  public let pivotThreshold: Double

  /// Ordering and fill (shared with other solvers over the same pattern).
  public let symbolic: SparseLUSymbolic
  /// Elimination order: position k of P·A·Pᵀ is original index `permutation[k]`.
  public var permutation: [Int] { symbolic.permutation }
  /// Stored entries of L + U (diagonal included), i.e. the pattern after fill.
  public let factorCount: Int

  /// The symbolic phase's index arrays (possibly shared with other solvers).
  public let indexes: SparseLUIndexes
  private let columnStarts: UnsafeMutablePointer<Int>   // n + 1
  private let diagonalPositions: UnsafeMutablePointer<Int>  // n
  private let rows: UnsafeMutablePointer<Int>           // factorCount
  private let values: UnsafeMutablePointer<Double>      // factorCount
  /// For stored entry p of the pattern (CSC of the original matrix), its index in `values`.
  private let entryMap: UnsafeMutablePointer<Int>
  private let perm: UnsafeMutablePointer<Int>
  private let inverseDiagonal: UnsafeMutablePointer<Double>
  private let work: UnsafeMutablePointer<Double>
  private var dense: DenseLU?
  @exclusivity(unchecked) private var usesDense = false

  /// - Parameters:
  ///   - pattern: structure of the Jacobian (the diagonal is always part of it).
  ///   - pivotThreshold: τ; 0 disables the test (only exact zero pivots and zero diagonals of M
  ///     fall back).
  ///   - ordering: `false` keeps the natural order (tests and measurements of fill).
  public convenience init(pattern: SparsityPattern, pivotThreshold: Double = 1e-3, ordering: Bool = true) {
    self.init(pattern: pattern, symbolic: SparseLUSymbolic(pattern: pattern, ordering: ordering),
              pivotThreshold: pivotThreshold)
  }

  /// A solver over a symbolic phase already computed for `pattern` (no ordering work), and
  /// optionally its index arrays already copied (``SparseLUIndexes``).
  public init(pattern: SparsityPattern, symbolic: SparseLUSymbolic, pivotThreshold: Double = 1e-3,
              indexes: SparseLUIndexes? = nil) {
    precondition(symbolic.dimension == pattern.dimension && symbolic.entryMap.count == pattern.count,
                 "symbolic phase of another pattern")
    let n = pattern.dimension
    dimension = n
    self.pattern = pattern
    self.symbolic = symbolic
    self.pivotThreshold = pivotThreshold
    factorCount = symbolic.factorCount

    let indexes = indexes ?? SparseLUIndexes(symbolic)
    self.indexes = indexes
    columnStarts = indexes.columnStarts
    diagonalPositions = indexes.diagonalPositions
    rows = indexes.rows
    entryMap = indexes.entryMap
    perm = indexes.permutation
    values = .allocate(capacity: factorCount)
    values.initialize(repeating: 0, count: factorCount)
    inverseDiagonal = .allocate(capacity: n)
    inverseDiagonal.initialize(repeating: 0, count: n)
    work = .allocate(capacity: n)
    work.initialize(repeating: 0, count: n)
  }

  deinit {
    values.deallocate()
    inverseDiagonal.deallocate()
    work.deallocate()
  }

  /// Whether the last factorisation fell back to dense LU.
  public var lastFactorizationWasDense: Bool { usesDense }

  public func factor(jacobian: UnsafePointer<Double>, diagonal: Double, scale: Double) -> Bool {
    factorizations += 1
    let count = pattern.count
    values.update(repeating: 0, count: factorCount)
    for p in 0..<count { values[entryMap[p]] = -scale * jacobian[p] }
    for k in 0..<dimension { values[diagonalPositions[k]] += diagonal }
    if factorNumeric() {
      usesDense = false
      return true
    }
    return factorDense { m in
      for j in 0..<dimension {
        for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
          m[pattern.rowIndices[p], j] = -scale * jacobian[p]
        }
      }
      for k in 0..<dimension { m[k, k] += diagonal }
    }
  }

  /// The same factorisation from a dense column-major n×n Jacobian (only pattern entries are
  /// read): for steppers that keep J dense, and for measuring what sparse storage saves.
  public func factor(denseJacobian jacobian: UnsafePointer<Double>, diagonal: Double, scale: Double) -> Bool {
    factorizations += 1
    let n = dimension
    values.update(repeating: 0, count: factorCount)
    pattern.columnStarts.withUnsafeBufferPointer { starts in
      pattern.rowIndices.withUnsafeBufferPointer { rowIndices in
        for j in 0..<n {
          for p in starts[j]..<starts[j + 1] { values[entryMap[p]] = -scale * jacobian[rowIndices[p] + j * n] }
        }
      }
    }
    for k in 0..<n { values[diagonalPositions[k]] += diagonal }
    if factorNumeric() {
      usesDense = false
      return true
    }
    return factorDense { m in
      for k in 0..<(n * n) { m.base[k] = -scale * jacobian[k] }
      for k in 0..<n { m[k, k] += diagonal }
    }
  }

  private func factorDense(_ fill: (MatrixView) -> Void) -> Bool {
    denseFallbacks += 1
    let lu: DenseLU
    if let dense { lu = dense } else { lu = DenseLU(dimension: dimension); dense = lu }
    let m = lu.matrix
    m.zero()
    fill(m)
    usesDense = true
    return lu.factorInPlace()
  }

  /// Left-looking LU of `values` in place with diagonal pivots; false when a pivot fails the test.
  private func factorNumeric() -> Bool {
    let n = dimension, x = work, tau = pivotThreshold
    for j in 0..<n {
      let start = columnStarts[j], end = columnStarts[j + 1], dp = diagonalPositions[j]
      let original = values[dp]
      for p in start..<end { x[rows[p]] = values[p] }
      // U(k, j) for k < j ascending is final once the columns before k have been applied.
      for p in start..<dp {
        let xk = x[rows[p]]
        if xk != 0 {
          let k = rows[p]
          for q in (diagonalPositions[k] + 1)..<columnStarts[k + 1] { x[rows[q]] -= values[q] * xk }
        }
      }
      for p in start..<dp {
        values[p] = x[rows[p]]
        x[rows[p]] = 0
      }
      let pivot = x[j]
      x[j] = 0
      // |uⱼⱼ/mⱼⱼ| outside [τ, 1/τ] (or not finite: NaN passes on to the caller's checks).
      let ratio = abs(pivot / original)
      if pivot == 0 || ratio < tau || ratio > 1 / tau {
        for p in (dp + 1)..<end { x[rows[p]] = 0 }
        return false
      }
      let inverse = 1 / pivot
      values[dp] = pivot
      inverseDiagonal[j] = inverse
      for p in (dp + 1)..<end {
        values[p] = x[rows[p]] * inverse
        x[rows[p]] = 0
      }
    }
    return true
  }

  public func solve(_ b: UnsafeMutablePointer<Double>) {
    solves += 1
    if usesDense, let dense {
      dense.solve(b)
      return
    }
    let n = dimension, x = work
    // A term whose x is zero is skipped (the column sweep skips the whole column then).
    indexes.substitute(b, dimension: n, values: values, inverseDiagonal: inverseDiagonal, work: x,
                       subtract: { xi, l, xj in xj != 0 ? xi - l * xj : xi }, scale: { $0 * $1 })
  }

  // MARK: - Ordering

  /// Minimum-degree order of the graph of A + Aᵀ: see ``SparseLUSymbolic/minimumDegreeOrder(_:)``.
  public static func minimumDegreeOrder(_ pattern: SparsityPattern) -> [Int] {
    SparseLUSymbolic.minimumDegreeOrder(pattern)
  }
}
