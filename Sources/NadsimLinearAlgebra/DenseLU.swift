import CLapacke

/// Dense LU with partial pivoting, column-major: LAPACK (`dgetrf`, `dgetrs`) for large matrices,
/// and for small ones (n ≤ ``smallDimension``) the same algorithm written out in Swift, in the
/// same storage and pivot convention.
///
/// Why two paths: for the small systems of kinetic models, the fixed cost of a LAPACK call through
/// OpenBLAS (argument checks, workspace locking, a BLAS-2 kernel per column) dominates — at n = 8
/// it factorised in ~0.95 µs and solved in ~0.30 µs, against a few tens of floating-point
/// operations. The Swift loops are right-looking Gaussian elimination with row interchanges
/// (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 3.4.1) and forward/back substitution.
///
/// All storage is allocated once in `init`; `factor` and `solve` allocate nothing.
public final class DenseLU: LinearSolver {
  public let dimension: Int
  public var structure: MatrixStructure { .dense }
  // Counters bumped on every call; never accessed inout, so no dynamic exclusivity checks.
  @exclusivity(unchecked) public private(set) var factorizations = 0
  @exclusivity(unchecked) public private(set) var solves = 0

  /// The factorised matrix (L and U, column-major n×n).
  let lu: UnsafeMutablePointer<Double>
  let pivots: UnsafeMutablePointer<LapackInt>
  /// 1/U_kk of the last small factorisation: the solves multiply instead of dividing (a division
  /// on the back-substitution's serial chain costs more than the rest of an 8×8 solve).
  let inverseDiagonal: UnsafeMutablePointer<Double>

  /// Largest n factorised by the Swift loops instead of LAPACK (measured crossover, see above).
  public static let smallDimension = 48

  public init(dimension n: Int) {
    precondition(n > 0, "DenseLU needs a positive dimension")
    dimension = n
    lu = .allocate(capacity: n * n)
    lu.initialize(repeating: 0, count: n * n)
    pivots = .allocate(capacity: n)
    pivots.initialize(repeating: 0, count: n)
    inverseDiagonal = .allocate(capacity: n)
    inverseDiagonal.initialize(repeating: 0, count: n)
    LinearAlgebraRuntime.configureOnce()
  }

  deinit {
    lu.deallocate()
    pivots.deallocate()
    inverseDiagonal.deallocate()
  }

  public func factor(jacobian: UnsafePointer<Double>, diagonal: Double, scale: Double) -> Bool {
    let n = dimension
    for k in 0..<(n * n) { lu[k] = -scale * jacobian[k] }
    for i in 0..<n { lu[i * n + i] += diagonal }
    return factorInPlace()
  }

  /// Factorises the matrix already written into the LU storage through ``matrix``.
  public func factorInPlace() -> Bool {
    factorizations += 1
    if dimension <= DenseLU.smallDimension { return factorSmall() }
    let n = LapackInt(dimension)
    let info = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, lu, n, pivots)
    return info == 0
  }

  /// Writable view of the storage that ``factorInPlace()`` factorises.
  public var matrix: MatrixView { MatrixView(base: lu, dimension: dimension, structure: .dense) }

  public func solve(_ b: UnsafeMutablePointer<Double>) {
    solves += 1
    if dimension <= DenseLU.smallDimension {
      solveSmall(b)
      return
    }
    let n = LapackInt(dimension)
    _ = LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), n, 1, lu, n, pivots, b, n)
  }

  // MARK: - Small matrices

  /// In-place LU with partial pivoting: P·M = L·U, L unit lower triangular below the diagonal, U on
  /// and above it; pivots[k] = 1-based row swapped with row k at step k (LAPACK's convention).
  private func factorSmall() -> Bool {
    let n = dimension
    let a = lu
    var nonsingular = true
    for k in 0..<n {
      let colK = a + k * n
      var p = k
      var largest = abs(colK[k])
      var i = k + 1
      while i < n {
        let v = abs(colK[i])
        if v > largest {
          largest = v
          p = i
        }
        i += 1
      }
      pivots[k] = LapackInt(p + 1)
      if largest == 0 {
        nonsingular = false
        inverseDiagonal[k] = 0
        continue
      }
      if p != k {
        for j in 0..<n {
          let col = a + j * n
          let t = col[k]
          col[k] = col[p]
          col[p] = t
        }
      }
      let inversePivot = 1 / colK[k]
      inverseDiagonal[k] = inversePivot
      i = k + 1
      while i < n {
        colK[i] *= inversePivot
        i += 1
      }
      var j = k + 1
      while j < n {
        let col = a + j * n
        let akj = col[k]
        if akj != 0 {
          i = k + 1
          while i < n {
            col[i] -= colK[i] * akj
            i += 1
          }
        }
        j += 1
      }
    }
    return nonsingular
  }

  /// Solves with the factors of ``factorSmall()``: row interchanges, L y = P b, U x = y.
  private func solveSmall(_ b: UnsafeMutablePointer<Double>) {
    let n = dimension
    let a = lu
    for k in 0..<n {
      let p = Int(pivots[k]) - 1
      if p != k {
        let t = b[k]
        b[k] = b[p]
        b[p] = t
      }
    }
    // Forward substitution, column by column (unit diagonal).
    for j in 0..<n {
      let bj = b[j]
      let col = a + j * n
      var i = j + 1
      while i < n {
        b[i] -= col[i] * bj
        i += 1
      }
    }
    // Back substitution, column by column.
    let d = inverseDiagonal
    var j = n - 1
    while j >= 0 {
      let col = a + j * n
      let xj = b[j] * d[j]
      b[j] = xj
      var i = 0
      while i < j {
        b[i] -= col[i] * xj
        i += 1
      }
      j -= 1
    }
  }
}
