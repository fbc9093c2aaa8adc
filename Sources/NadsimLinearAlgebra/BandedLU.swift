import CLapacke

/// Banded LU with partial pivoting through LAPACK (`dgbtrf`, `dgbtrs`).
///
/// The Jacobian is read in plain band layout (kl+ku+1 rows); the factor needs kl extra rows
/// for fill-in (2·kl+ku+1 rows), which this type adds. Cost is O(n·kl·(kl+ku)) instead of O(n³).
public final class BandedLU: LinearSolver {
  public let dimension: Int
  public let lower: Int
  public let upper: Int
  public var structure: MatrixStructure { .banded(lower: lower, upper: upper) }
  // Counters bumped on every call; never accessed inout, so no dynamic exclusivity checks.
  @exclusivity(unchecked) public private(set) var factorizations = 0
  @exclusivity(unchecked) public private(set) var solves = 0

  let factorRows: Int
  let ab: UnsafeMutablePointer<Double>
  let pivots: UnsafeMutablePointer<LapackInt>

  public init(dimension n: Int, lower kl: Int, upper ku: Int) {
    precondition(n > 0 && kl >= 0 && ku >= 0, "BandedLU needs n > 0 and non-negative bandwidths")
    dimension = n
    lower = kl
    upper = ku
    factorRows = 2 * kl + ku + 1
    ab = .allocate(capacity: factorRows * n)
    ab.initialize(repeating: 0, count: factorRows * n)
    pivots = .allocate(capacity: n)
    pivots.initialize(repeating: 0, count: n)
    LinearAlgebraRuntime.configureOnce()
  }

  deinit {
    ab.deallocate()
    pivots.deallocate()
  }

  public func factor(jacobian: UnsafePointer<Double>, diagonal: Double, scale: Double) -> Bool {
    let n = dimension, kl = lower, ku = upper
    let jRows = kl + ku + 1
    for j in 0..<n {
      let dst = ab + j * factorRows
      let src = jacobian + j * jRows
      for r in 0..<kl { dst[r] = 0 }  // fill-in rows
      for r in 0..<jRows { dst[kl + r] = -scale * src[r] }
      dst[kl + ku] += diagonal  // main diagonal sits at row kl+ku of the factor storage
    }
    factorizations += 1
    let info = LAPACKE_dgbtrf_work(
      LAPACK_COL_MAJOR, LapackInt(n), LapackInt(n), LapackInt(kl), LapackInt(ku), ab,
      LapackInt(factorRows), pivots)
    return info == 0
  }

  public func solve(_ b: UnsafeMutablePointer<Double>) {
    solves += 1
    let n = LapackInt(dimension)
    _ = LAPACKE_dgbtrs_work(
      LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), n, LapackInt(lower), LapackInt(upper), 1, ab,
      LapackInt(factorRows), pivots, b, n)
  }
}
