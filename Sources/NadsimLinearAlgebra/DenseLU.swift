import Foundation
import CLapacke

/// Dense LU with partial pivoting, column-major: LAPACK (`dgetrf`, `dgetrs`) above
/// ``nativeLimit``, the same algorithm written in Swift (``SmallDenseKernels``) at or below it,
/// where LAPACK's per-call overhead dominates the arithmetic.
///
/// All storage is allocated once in `init`; `factor` and `solve` allocate nothing.
public final class DenseLU: LinearSolver {
  public let dimension: Int
  public var structure: MatrixStructure { .dense }
  public private(set) var factorizations = 0
  public private(set) var solves = 0

  /// The factorised matrix (L and U, column-major n×n).
  let lu: UnsafeMutablePointer<Double>
  let pivots: UnsafeMutablePointer<LapackInt>
  /// Padded copy of the factors for the Swift solve (see ``SmallDenseKernels``).
  let padded: PaddedFactors

  /// Largest n factorised and solved by the Swift kernels instead of LAPACK. Chosen from the
  /// crossover measured by `Benchmarks` (LinearAlgebra suite); see Benchmarks/README.md.
  public static let nativeLimit = 48

  /// Largest n solved by the plain scalar loops rather than the padded SIMD solve (measured:
  /// see Benchmarks/README.md). Can be overridden for experiments with NADSIM_SCALAR_SOLVE_LIMIT.
  public static let scalarSolveLimit: Int = {
    if let text = getenv("NADSIM_SCALAR_SOLVE_LIMIT"), let value = Int(String(cString: text)) { return value }
    return 16
  }()

  /// Whether this instance uses LAPACK (fixed at creation).
  public let usesLAPACK: Bool

  /// - Parameter forceLAPACK: use LAPACK whatever the size (tests and benchmarks compare paths).
  public init(dimension n: Int, forceLAPACK: Bool = false) {
    usesLAPACK = forceLAPACK || n > DenseLU.nativeLimit
    precondition(n > 0, "DenseLU needs a positive dimension")
    dimension = n
    lu = .allocate(capacity: n * n)
    lu.initialize(repeating: 0, count: n * n)
    pivots = .allocate(capacity: n)
    pivots.initialize(repeating: 0, count: n)
    padded = PaddedFactors(dimension: n)
    LinearAlgebraRuntime.configureOnce()
  }

  deinit {
    lu.deallocate()
    pivots.deallocate()
    padded.deallocate()
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
    if !usesLAPACK {
      guard SmallDenseKernels.factor(lu, dimension, pivots) else { return false }
      SmallDenseKernels.prepare(lu, dimension, padded)
      return true
    }
    let n = LapackInt(dimension)
    let info = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, lu, n, pivots)
    return info == 0
  }

  /// Writable view of the storage that ``factorInPlace()`` factorises.
  public var matrix: MatrixView { MatrixView(base: lu, dimension: dimension, structure: .dense) }

  public func solve(_ b: UnsafeMutablePointer<Double>) {
    solves += 1
    if !usesLAPACK {
      if dimension <= DenseLU.scalarSolveLimit {
        SmallDenseKernels.solveScalar(lu, dimension, pivots, padded.inverseDiagonal, b)
      } else {
        SmallDenseKernels.solve(padded, dimension, pivots, b)
      }
      return
    }
    let n = LapackInt(dimension)
    _ = LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), n, 1, lu, n, pivots, b, n)
  }
}
