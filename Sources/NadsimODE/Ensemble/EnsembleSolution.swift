/// Settings of an ensemble solve (``EnsembleRosenbrock``).
public struct EnsembleOptions {
  /// Tolerances of every lane, or one entry per lane (1 or 4 entries). Each lane's error norm is
  /// measured with its own tolerances.
  public var tolerances: [Tolerances]
  /// Most step attempts of the batch (accepted + rejected); lanes still running then fail with
  /// ``ReturnCode/maxStepsReached(t:maxSteps:)``.
  public var maxSteps = 1_000_000
  /// First step; 0 picks Hairer's estimate for every lane and takes the smallest.
  public var initialStep = 0.0
  public var maxStepSize = Double.infinity
  /// Consecutive rejections a lane may cause (its error test failed, or its stage values were not
  /// finite) before it is marked failed and frozen, so that one hopeless lane cannot stall the
  /// batch. A rejection multiplies h by at most 0.9, so 60 in a row cut h by 500× or more.
  public var maxConsecutiveRejections = 60
  /// Times at which to record every lane's state (steps are shortened to land on them; there is no
  /// dense output). Times outside (t0, lane's end] give NaN rows; t0 records the initial state.
  public var saveTimes: [Double] = []

  public init(tolerances: Tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)) {
    self.tolerances = [tolerances]
  }
}

/// The result of one batch: per-lane final states and return codes, shared counters.
public struct EnsembleSolution {
  public let dimension: Int
  /// How each lane ended. A failed lane keeps its last accepted state; callers can solve it again
  /// alone with the scalar solver (``Integrator``).
  public internal(set) var returnCodes: [ReturnCode]
  public internal(set) var finalTimes: [Double]
  /// Per lane, n values.
  public internal(set) var finalStates: [[Double]]
  /// Per lane, one row of n values per entry of ``EnsembleOptions/saveTimes`` (NaN where the lane
  /// did not reach that time).
  public internal(set) var saved: [[Double]]
  /// Counters of the batch: steps (accepted, rejected, error-test failures) are shared by all
  /// lanes; one RHS evaluation, Jacobian, LU or solve counts once for four lanes.
  public internal(set) var statistics = SolverStatistics()
  /// Lane factorisations that failed the no-pivoting test and were redone with partial pivoting.
  public internal(set) var pivotingFallbacks = 0

  /// `lanes` is the number of scenarios in the batch (1…4).
  init(dimension n: Int, lanes: Int, saveCount: Int) {
    dimension = n
    returnCodes = Array(repeating: .success, count: lanes)
    finalTimes = Array(repeating: .nan, count: lanes)
    finalStates = Array(repeating: Array(repeating: .nan, count: n), count: lanes)
    saved = Array(repeating: Array(repeating: .nan, count: n * saveCount), count: lanes)
  }
}
