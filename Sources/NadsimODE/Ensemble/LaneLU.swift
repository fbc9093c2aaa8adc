import NadsimLinearAlgebra

/// A mask over the four lanes of a batch.
public typealias LaneMask = SIMDMask<SIMD4<Int64>>

/// LU factorisation of M = d·I − J for four lanes at once, each lane its own matrix, with SIMD4
/// elements (one AVX2 register per matrix entry across lanes).
///
/// Pivoting: the fast path eliminates without row interchanges, in the natural order, and checks
/// every pivot of every lane against the threshold-pivoting test |mₖₖ| ≥ τ·maxᵢ>ₖ |mᵢₖ|
/// (τ = ``threshold``) that partial pivoting with a relaxed threshold would accept. Row
/// interchanges that differ between lanes would need gathers (or O(n) selects per row swap) in
/// every factorisation and a per-lane permutation in every one of a Rosenbrock step's s solves,
/// costing more than the factorisation itself for the n ≈ 10 matrices of kinetic models. And they
/// are rarely needed: for linear compartmental kinetics J has a non-positive diagonal, non-negative
/// off-diagonal entries and non-positive column sums, so M = I/(hγ) − J is column diagonally
/// dominant and partial pivoting would never swap rows anyway (Golub & Van Loan, Matrix
/// Computations, §3.4.10); the I/(hγ) shift only adds to that dominance at small steps.
///
/// When a lane fails the test (a pivot small compared with its column, zero, or not finite), that
/// lane alone is factorised again with partial pivoting by the ordinary scalar dense LU, and its
/// solves go through that factorisation: correctness never depends on the no-pivoting guess, and
/// only lanes that need pivoting pay for it (counted in ``fallbackFactorizations``).
///
/// Solves: after factorising, the inverse M⁻¹ = U⁻¹L⁻¹ is formed explicitly (≈ 2n³/3 multiply–adds
/// in loops whose entries are independent), and each solve is a matrix–vector product. A
/// Rosenbrock attempt solves with the same matrix s = 8 times, and triangular substitution is one
/// long dependency chain (each unknown waits for the previous one, through memory): profiling
/// the ensemble on HIRES (n = 8) put the substitutions at 38% of all time, more than factorising
/// and forming the inverse together. The product's rows are independent, so the out-of-order core
/// overlaps them. Accuracy: the forward error of x = M⁻¹b is bounded by a small multiple of
/// cond(M)·u·|x|, as for substitution (Higham, Accuracy and Stability of Numerical Algorithms,
/// §14.1); it is not backward stable in the strict sense, which a Rosenbrock stage, itself an
/// approximation of a Newton step, does not need. Fallback lanes get their inverse column by column
/// from their pivoted factors.
final class LaneLU: LaneLinearSolver {
  typealias Lanes = SIMD4<Double>
  /// Threshold of the pivot test. With τ = 0.1 the growth per elimination step is at most
  /// 1 + 1/τ = 11 (partial pivoting: 2).
  static let threshold = 0.1

  let n: Int
  var structure: MatrixStructure { .dense }
  /// J, n×n column-major with SIMD4 entries, written by the caller before each ``factor``.
  let jacobian: UnsafeMutablePointer<Lanes>
  var jacobianCount: Int { n * n }
  /// The factors, column-major with SIMD4 entries: L strictly below the diagonal (unit diagonal
  /// implied), U on and above it.
  let lu: UnsafeMutablePointer<Lanes>
  let inverseDiagonal: UnsafeMutablePointer<Lanes>
  /// M⁻¹ per lane, row-major (what the solves use).
  let inverse: UnsafeMutablePointer<Lanes>
  /// Lanes whose inverse came from their scalar pivoted factorisation (last ``factor`` call).
  private(set) var fallbackLanes = LaneMask(repeating: false)
  private var scalar: [LinearSolver] = []
  private let laneMatrix: UnsafeMutablePointer<Double>
  private let laneVector: UnsafeMutablePointer<Double>
  private let saved: UnsafeMutablePointer<Lanes>

  private(set) var factorizations = 0
  private(set) var fallbackFactorizations = 0
  /// Not used: the dense lane solve has no zero tests (see ``LaneLinearSolver/skipsZeroUpdates``).
  var skipsZeroUpdates = true
  private(set) var solves = 0

  init(dimension n: Int) {
    self.n = n
    jacobian = .allocate(capacity: n * n)
    jacobian.initialize(repeating: .zero, count: n * n)
    lu = .allocate(capacity: n * n)
    lu.initialize(repeating: .zero, count: n * n)
    inverseDiagonal = .allocate(capacity: n)
    inverseDiagonal.initialize(repeating: .zero, count: n)
    inverse = .allocate(capacity: n * n)
    inverse.initialize(repeating: .zero, count: n * n)
    laneMatrix = .allocate(capacity: n * n)
    laneMatrix.initialize(repeating: 0, count: n * n)
    laneVector = .allocate(capacity: n)
    laneVector.initialize(repeating: 0, count: n)
    saved = .allocate(capacity: n)
    saved.initialize(repeating: .zero, count: n)
  }

  deinit {
    jacobian.deallocate()
    lu.deallocate()
    inverseDiagonal.deallocate()
    inverse.deallocate()
    laneMatrix.deallocate()
    laneVector.deallocate()
    saved.deallocate()
  }

  /// Factorises M = d·I − J in every lane. `needed` marks the lanes whose result matters (frozen
  /// lanes are factorised along but never sent to the scalar fallback). Returns the lanes whose
  /// factorisation succeeded: the fast path passed the pivot test, or the scalar fallback found the
  /// matrix non-singular (a lane with non-finite entries may still "succeed"; its solutions are then
  /// not finite, which the integrator detects).
  func factor(diagonal d: Lanes, needed: LaneMask) -> LaneMask {
    factorizations += 1
    let n = self.n
    let J = jacobian
    for e in 0..<(n * n) { lu[e] = -J[e] }
    for i in 0..<n { lu[i + i * n] += d }

    var passed = LaneMask(repeating: true)
    let tau = Lanes(repeating: Self.threshold)
    for k in 0..<n {
      let column = lu + k * n
      let pivot = column[k]
      var largest = Lanes.zero
      var i = k + 1
      while i < n {
        largest = larger(largest, magnitude(column[i]))
        i += 1
      }
      let size = magnitude(pivot)
      // NaN fails both comparisons, so non-finite lanes go to the fallback too.
      passed = passed .& (size .>= tau * largest) .& (size .> Lanes.zero) .& (size .< Lanes(repeating: .infinity))
      let inverse = 1 / pivot
      inverseDiagonal[k] = inverse
      i = k + 1
      while i < n {
        column[i] *= inverse
        i += 1
      }
      var j = k + 1
      while j < n {
        let cj = lu + j * n
        let akj = -cj[k]
        if any(akj .!= Lanes.zero) {
          i = k + 1
          while i < n {
            cj[i] = cj[i].addingProduct(column[i], akj)
            i += 1
          }
        }
        j += 1
      }
    }

    fallbackLanes = needed .& .!passed
    invert()
    var succeeded = passed
    if any(fallbackLanes) {
      if scalar.isEmpty {
        scalar = (0..<EnsembleSystem.lanes).map { _ in makeLinearSolver(dimension: n, structure: .dense) }
      }
      for l in 0..<EnsembleSystem.lanes where fallbackLanes[l] {
        for e in 0..<(n * n) { laneMatrix[e] = J[e][l] }
        succeeded[l] = scalar[l].factor(jacobian: laneMatrix, diagonal: d[l], scale: 1)
        fallbackFactorizations += 1
        // This lane's inverse, column by column, from the pivoted factors.
        for c in 0..<n {
          for i in 0..<n { laneVector[i] = i == c ? 1 : 0 }
          scalar[l].solve(laneVector)
          for i in 0..<n { inverse[i * n + c][l] = laneVector[i] }
        }
      }
    }
    return succeeded
  }

  /// M⁻¹ = U⁻¹L⁻¹ from the factors, row-major, by row operations on the identity whose inner loops
  /// run along rows (independent entries, no dependency chain): ≈ 2n³/3 multiply–adds.
  private func invert() {
    let n = self.n
    let X = inverse
    for i in 0..<n {
      for c in 0..<n { X[i * n + c] = i == c ? Lanes(repeating: 1) : .zero }
    }
    // Forward: X ← L⁻¹ (row j of L⁻¹ has entries in columns 0…j only).
    for j in 0..<n {
      let rowJ = X + j * n
      var i = j + 1
      while i < n {
        let l = -lu[i + j * n]
        if any(l .!= Lanes.zero) {  // kinetic Jacobians are sparse: many multipliers are zero
          let rowI = X + i * n
          var c = 0
          while c <= j {
            rowI[c] = rowI[c].addingProduct(l, rowJ[c])
            c += 1
          }
        }
        i += 1
      }
    }
    // Backward: X ← U⁻¹X.
    var j = n - 1
    while j >= 0 {
      let rowJ = X + j * n
      let scale = inverseDiagonal[j]
      for c in 0..<n { rowJ[c] *= scale }
      var i = 0
      while i < j {
        let u = -lu[i + j * n]
        if any(u .!= Lanes.zero) {
          let rowI = X + i * n
          for c in 0..<n { rowI[c] = rowI[c].addingProduct(u, rowJ[c]) }
        }
        i += 1
      }
      j -= 1
    }
  }

  /// Overwrites `b` with M⁻¹b in every lane: one matrix–vector product with the stored inverse
  /// (rows independent; two accumulators per row halve the dependency chain).
  func solve(_ b: UnsafeMutablePointer<Lanes>) {
    solves += 1
    let n = self.n
    for i in 0..<n { saved[i] = b[i] }  // a loop: memmove's call costs more for n ≈ 10
    for i in 0..<n {
      let row = inverse + i * n
      var even = Lanes.zero, odd = Lanes.zero
      var c = 0
      while c + 1 < n {
        even = even.addingProduct(row[c], saved[c])
        odd = odd.addingProduct(row[c + 1], saved[c + 1])
        c += 2
      }
      if c < n { even = even.addingProduct(row[c], saved[c]) }
      b[i] = even + odd
    }
  }
}
