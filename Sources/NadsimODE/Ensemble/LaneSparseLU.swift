import NadsimLinearAlgebra

/// Sparse LU of M = d·I − J for four lanes at once (each lane its own J and its own d), with SIMD4
/// elements: the ensemble integrator's linear algebra for models whose Jacobian is sparse (e.g.
/// nad-human, n = 67 with 199 stored entries, 235 after fill), where ``LaneLU``'s dense O(n³)
/// factorisation and its n² inverse would cost far more than the sparse elimination.
///
/// The four lanes share one pattern, hence one symbolic phase (``SparseLUSymbolic``: minimum-degree
/// order, fill, slots), and run the numeric phase of ``SparseLU`` in lockstep: scatter −J and d
/// into the factor slots, left-looking column LU with static diagonal pivots in the symbolic
/// order, then permuted forward and back substitution. Every lane does exactly the arithmetic the
/// scalar ``SparseLU`` does on that lane alone, operation for operation (no fused multiply–adds;
/// an update the scalar code skips because its multiplier is zero is masked off in that lane), so
/// a lane's factors and solutions are bit-identical to the scalar solver's and depend only on
/// that lane's inputs: a scenario gets the same result whatever lane or batch it lands in.
///
/// Pivoting: the pivot test and the reasons for it are ``SparseLU``'s (|uⱼⱼ/mⱼⱼ| must lie in
/// [τ, 1/τ]), applied per lane; the one difference is that a lane whose ratio is NaN or whose
/// pivot is infinite fails here (the scalar solver lets a NaN ratio through to the integrator). A failing lane in `needed` is factorised again alone by a
/// scalar ``SparseLU`` over the same symbolic phase (one per lane, created on the first fallback),
/// which repeats the static-pivot attempt and falls back to dense partial pivoting; that lane's
/// solves go through the scalar solver until the next ``factor(diagonal:needed:)``. Other lanes
/// stay on the lane path; ``fallbackFactorizations`` counts the lanes redone.
///
/// Cost per factorisation: one multiply and one subtract per lane per update of the left-looking
/// elimination (the same count as one scalar ``SparseLU`` factorisation, for four lanes), plus n
/// divisions; per solve, one multiply and one subtract per off-diagonal factor entry. Nothing is
/// allocated in ``factor(diagonal:needed:)`` or ``solve(_:)`` (except creating a lane's scalar
/// solver on its first fallback). Measured on nad-human (Benchmarks/results/sparse-lu.md), one
/// factorisation + 8 solves for four lanes takes about 0.27× the time of four scalar ``SparseLU``
/// factorisations + 8 solves each: the lane factorisation costs ≈ 1.3 scalar ones, a lane solve
/// about one scalar solve.
///
/// Public (unlike ``LaneLU``) so that benchmarks outside the module can measure it.
public final class LaneSparseLU: LaneLinearSolver {
  public typealias Lanes = SIMD4<Double>

  public let dimension: Int
  public let pattern: SparsityPattern
  public let symbolic: SparseLUSymbolic
  /// τ of the pivot test (see ``SparseLU``).
  public let pivotThreshold: Double
  public var structure: MatrixStructure { .sparse(pattern) }
  /// J on the pattern, one SIMD4 per stored entry in the pattern's compressed-column order
  /// (entry (i, j) at `pattern.position(i, j)`), written by the caller before each ``factor``.
  public let jacobian: UnsafeMutablePointer<Lanes>
  public var jacobianCount: Int { pattern.count }
  /// Stored entries of L + U per lane (diagonal included).
  public var factorCount: Int { symbolic.factorCount }

  /// Lanes whose solves go through their scalar solver (set by the last ``factor``).
  public private(set) var fallbackLanes = LaneMask(repeating: false)
  public private(set) var factorizations = 0
  public private(set) var solves = 0
  public private(set) var fallbackFactorizations = 0
  /// Whether ``solve(_:)`` skips, in each lane, an update whose multiplier is zero there, as the
  /// scalar ``SparseLU`` does: lanes are then bit-identical to the scalar solver (true, the
  /// default). False makes every update in every lane, without the per-term test: lanes stay
  /// independent of each other, but may differ from the scalar solver in the sign of a zero (and
  /// where a factor entry is infinite). Both lane integrators turn it off when they have compiled
  /// ``kernels`` (which make every update); ``EnsembleBDF`` turns it off in any case (about 6 % of
  /// its time on nad-human).
  public var skipsZeroUpdates = true
  /// Compiled straight-line code for this pattern (``LaneSparseKernels``), used for the
  /// factorisation and the solves while ``skipsZeroUpdates`` is off. Setting kernels made for
  /// another pattern is a programming error.
  public var kernels: LaneSparseKernels? {
    didSet { precondition(kernels.map { $0.pattern == pattern } ?? true, "kernels of another pattern") }
  }

  /// The symbolic phase's index arrays, shared with the lanes' scalar fallback solvers.
  private let indexes: SparseLUIndexes
  private let columnStarts: UnsafeMutablePointer<Int>       // n + 1
  private let diagonalPositions: UnsafeMutablePointer<Int>  // n
  private let rows: UnsafeMutablePointer<Int>               // factorCount
  private let entryMap: UnsafeMutablePointer<Int>           // pattern.count
  private let perm: UnsafeMutablePointer<Int>               // n
  private let values: UnsafeMutablePointer<Lanes>           // factorCount
  private let inverseDiagonal: UnsafeMutablePointer<Lanes>  // n
  private let work: UnsafeMutablePointer<Lanes>             // n
  private var scalar: [SparseLU?] = [nil, nil, nil, nil]
  /// One lane's J, gathered for its scalar fallback.
  private let laneJacobian: UnsafeMutablePointer<Double>    // pattern.count
  /// The right-hand sides of fallback lanes during a solve, n per lane.
  private let laneVectors: UnsafeMutablePointer<Double>     // 4n

  /// - Parameters:
  ///   - pattern: structure of J (the diagonal is always part of it).
  ///   - pivotThreshold: τ of ``SparseLU``'s pivot test.
  public init(pattern: SparsityPattern, pivotThreshold: Double = 1e-3) {
    let n = pattern.dimension
    let symbolic = SparseLUSymbolic(pattern: pattern)
    dimension = n
    self.pattern = pattern
    self.symbolic = symbolic
    self.pivotThreshold = pivotThreshold
    let count = pattern.count, slots = symbolic.factorCount
    jacobian = .allocate(capacity: count)
    jacobian.initialize(repeating: .zero, count: count)
    let indexes = SparseLUIndexes(symbolic)
    self.indexes = indexes
    columnStarts = indexes.columnStarts
    diagonalPositions = indexes.diagonalPositions
    rows = indexes.rows
    entryMap = indexes.entryMap
    perm = indexes.permutation
    values = .allocate(capacity: slots)
    values.initialize(repeating: .zero, count: slots)
    inverseDiagonal = .allocate(capacity: n)
    inverseDiagonal.initialize(repeating: .zero, count: n)
    work = .allocate(capacity: n)
    work.initialize(repeating: .zero, count: n)
    laneJacobian = .allocate(capacity: count)
    laneJacobian.initialize(repeating: 0, count: count)
    laneVectors = .allocate(capacity: 4 * n)
    laneVectors.initialize(repeating: 0, count: 4 * n)
  }

  deinit {
    jacobian.deallocate()
    values.deallocate()
    inverseDiagonal.deallocate()
    work.deallocate()
    laneJacobian.deallocate()
    laneVectors.deallocate()
  }

  /// Factorises M = d·I − J in every lane. `needed` marks the lanes whose result matters (the
  /// others are factorised along but never sent to the scalar fallback). Returns the lanes whose
  /// factorisation succeeded: the lane path passed the pivot test, or the scalar fallback found
  /// the matrix non-singular (a lane with non-finite entries may still "succeed" there; its
  /// solutions are then not finite, which the integrator detects).
  public func factor(diagonal d: Lanes, needed: LaneMask) -> LaneMask {
    factorizations += 1
    let n = dimension, J = jacobian, count = pattern.count
    let passed: LaneMask
    if let kernels, !skipsZeroUpdates {
      passed = factorWithKernel(kernels, diagonal: d)
    } else {
      values.update(repeating: .zero, count: symbolic.factorCount)
      for p in 0..<count { values[entryMap[p]] = -J[p] }
      for k in 0..<n { values[diagonalPositions[k]] += d }
      passed = factorNumeric()
    }
    fallbackLanes = needed .& .!passed
    var succeeded = passed
    if any(fallbackLanes) {
      for l in 0..<4 where fallbackLanes[l] {
        let solver: SparseLU
        if let existing = scalar[l] {
          solver = existing
        } else {
          solver = SparseLU(pattern: pattern, symbolic: symbolic, pivotThreshold: pivotThreshold, indexes: indexes)
          scalar[l] = solver
        }
        for p in 0..<count { laneJacobian[p] = J[p][l] }
        succeeded[l] = solver.factor(jacobian: laneJacobian, diagonal: d[l], scale: 1)
        fallbackFactorizations += 1
      }
    }
    return succeeded
  }

  /// Left-looking LU of `values` in place with diagonal pivots in every lane (``SparseLU``'s
  /// numeric phase, lane by lane); returns the lanes whose pivots all passed the test. A failing
  /// lane is eliminated to the end like the others (its values are then meaningless, and stay in
  /// that lane).
  private func factorNumeric() -> LaneMask {
    let n = dimension, x = work
    let low = Lanes(repeating: pivotThreshold), high = Lanes(repeating: 1 / pivotThreshold)
    let infinity = Lanes(repeating: .infinity)
    var passed = LaneMask(repeating: true)
    for j in 0..<n {
      let start = columnStarts[j], end = columnStarts[j + 1], dp = diagonalPositions[j]
      let original = values[dp]
      for p in start..<end { x[rows[p]] = values[p] }
      // U(k, j) for k < j ascending is final once the columns before k have been applied.
      for p in start..<dp {
        let k = rows[p]
        subtract(column: k, times: x[k], lower: true)
      }
      for p in start..<dp {
        values[p] = x[rows[p]]
        x[rows[p]] = .zero
      }
      let pivot = x[j]
      x[j] = .zero
      // |uⱼⱼ/mⱼⱼ| within [τ, 1/τ], pivot non-zero and finite; NaN fails every comparison.
      let ratio = magnitude(pivot / original)
      passed = passed .& (ratio .>= low) .& (ratio .<= high) .& (pivot .!= Lanes.zero) .& (magnitude(pivot) .< infinity)
      let inverse = 1 / pivot
      values[dp] = pivot
      inverseDiagonal[j] = inverse
      for p in (dp + 1)..<end {
        values[p] = x[rows[p]] * inverse
        x[rows[p]] = .zero
      }
    }
    return passed
  }

  /// M = d·I − J and its numeric factorisation by the compiled kernel, then ``factorNumeric()``'s
  /// pivot test on its pivots.
  private func factorWithKernel(_ kernels: LaneSparseKernels, diagonal d: Lanes) -> LaneMask {
    let n = dimension, original = work
    withUnsafePointer(to: d) { shift in
      kernels.factor(UnsafeMutableRawPointer(values), UnsafeMutableRawPointer(inverseDiagonal),
                     UnsafeRawPointer(jacobian), UnsafeRawPointer(shift), UnsafeMutableRawPointer(original))
    }
    let low = Lanes(repeating: pivotThreshold), high = Lanes(repeating: 1 / pivotThreshold)
    let infinity = Lanes(repeating: .infinity)
    var passed = LaneMask(repeating: true)
    for j in 0..<n {
      let pivot = values[diagonalPositions[j]]
      let ratio = magnitude(pivot / original[j])
      passed = passed .& (ratio .>= low) .& (ratio .<= high) .& (pivot .!= Lanes.zero) .& (magnitude(pivot) .< infinity)
      original[j] = .zero
    }
    return passed
  }

  /// x[rows[q]] −= values[q]·xk over the slots of column k below its diagonal (`lower`) or above
  /// it, in the lanes where xk ≠ 0: the scalar solver skips the whole update when its xk is zero,
  /// and doing it anyway is not always a no-op (−0 − (−0) = +0, ∞·0 = NaN). So all lanes non-zero
  /// (the usual case) update plainly, none skips, and a mix updates through a blend.
  @inline(__always)
  private func subtract(column k: Int, times xk: Lanes, lower: Bool) {
    let x = work
    let first = lower ? diagonalPositions[k] + 1 : columnStarts[k]
    let last = lower ? columnStarts[k + 1] : diagonalPositions[k]
    let active = xk .!= Lanes.zero
    if all(active) {
      var q = first
      while q < last {
        let r = rows[q]
        x[r] = x[r] - values[q] * xk
        q += 1
      }
    } else if any(active) {
      var q = first
      while q < last {
        let r = rows[q]
        x[r] = x[r].replacing(with: x[r] - values[q] * xk, where: active)
        q += 1
      }
    }
  }

  /// Overwrites `b` with M⁻¹b in every lane: P b, forward substitution with unit L, back
  /// substitution with U, Pᵀ (as ``SparseLU/solve(_:)``, lane by lane). Fallback lanes are
  /// gathered, solved by their scalar solver and scattered back.
  public func solve(_ b: UnsafeMutablePointer<Lanes>) {
    solves += 1
    let n = dimension, x = work
    let fallback = fallbackLanes
    let anyFallback = any(fallback)
    if anyFallback {
      for l in 0..<4 where fallback[l] {
        let v = laneVectors + l * n
        for i in 0..<n { v[i] = b[i][l] }
        scalar[l]!.solve(v)
      }
    }
    if let kernels, !skipsZeroUpdates, !anyFallback {
      kernels.solve(UnsafeRawPointer(values), UnsafeRawPointer(inverseDiagonal), UnsafeMutableRawPointer(b))
      return
    }
    // As ``SparseLU/solve(_:)``: the same subtractions in the same order per lane; with zero
    // tests, a term whose x is zero in a lane is skipped there.
    if skipsZeroUpdates {
      indexes.substitute(b, dimension: n, values: values, inverseDiagonal: inverseDiagonal, work: x,
                         subtract: { xi, l, xj in xi.replacing(with: xi - l * xj, where: xj .!= Lanes.zero) },
                         scale: { $0 * $1 })
    } else {
      indexes.substitute(b, dimension: n, values: values, inverseDiagonal: inverseDiagonal, work: x,
                         subtract: { xi, l, xj in xi - l * xj }, scale: { $0 * $1 })
    }
    if anyFallback {
      for l in 0..<4 where fallback[l] {
        let v = laneVectors + l * n
        for i in 0..<n { b[i][l] = v[i] }
      }
    }
  }
}
