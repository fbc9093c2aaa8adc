/// Settings of an ensemble solve (``EnsembleRosenbrock``, ``EnsembleBDF``).
public struct EnsembleOptions {
  /// Tolerances of every task (the first entry), unless the task brings its own; for
  /// ``EnsembleIntegrator/solve(from:y0:to:)``, 1 entry or one per lane.
  public var tolerances: [Tolerances]
  /// Most step attempts of one task (accepted + rejected); a task still running then fails with
  /// ``ReturnCode/maxStepsReached(t:maxSteps:)``.
  public var maxSteps = 1_000_000
  /// First step of every task; 0 picks Hairer's estimate for each task.
  public var initialStep = 0.0
  public var maxStepSize = Double.infinity
  /// Consecutive error-test rejections a task may have before it fails with
  /// ``ReturnCode/stepSizeUnderflow(t:)``. A rejection multiplies h by at most 0.9, so 60 in a row
  /// cut h by 500× or more.
  public var maxConsecutiveRejections = 60
  /// Times at which ``EnsembleIntegrator/solve(from:y0:to:)`` records every lane's state (from
  /// the dense output). Times outside [t0, lane's end] give NaN rows; t0 records the initial state.
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
  /// Each scenario's own counters (see ``LaneResult/statistics``).
  public internal(set) var laneStatistics: [SolverStatistics]
  /// Lane factorisations that failed the no-pivoting test and were redone with partial pivoting.
  public internal(set) var pivotingFallbacks = 0

  /// `lanes` is the number of scenarios in the batch (1…4).
  init(dimension n: Int, lanes: Int, saveCount: Int) {
    dimension = n
    returnCodes = Array(repeating: .success, count: lanes)
    finalTimes = Array(repeating: .nan, count: lanes)
    finalStates = Array(repeating: Array(repeating: .nan, count: n), count: lanes)
    saved = Array(repeating: Array(repeating: .nan, count: n * saveCount), count: lanes)
    laneStatistics = Array(repeating: SolverStatistics(), count: lanes)
  }
}
