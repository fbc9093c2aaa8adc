/// One scenario as the ensemble integrator runs it in a lane: where it starts and ends, where it
/// must stop exactly (doses), and where its solution is wanted.
public struct LaneTask {
  /// The caller's name for the task (a row number, say); the integrator only passes it back.
  public var id: Int
  public var t0: Double
  public var tEnd: Double
  /// Times strictly inside (t0, tEnd), ascending, at which steps end exactly and
  /// ``EnsembleWorkload/stop(_:lane:at:state:)`` may change the state (doses). Others are ignored.
  public var stops: [Double]
  /// Times in [t0, tEnd], ascending, at which the solution is handed to
  /// ``EnsembleWorkload/save(_:lane:index:time:state:)``: from the step's dense output, or the initial
  /// state at t0. A save time equal to a stop time sees the state before the stop acts (as the
  /// scalar ``Integrator``).
  public var saveTimes: [Double]
  /// This task's tolerances; nil uses ``EnsembleOptions/tolerances``' first entry.
  public var tolerances: Tolerances?

  public init(id: Int, t0: Double, tEnd: Double, stops: [Double] = [], saveTimes: [Double] = [],
              tolerances: Tolerances? = nil) {
    self.id = id
    self.t0 = t0
    self.tEnd = tEnd
    self.stops = stops
    self.saveTimes = saveTimes
    self.tolerances = tolerances
  }
}

/// How a task ended.
public struct LaneResult {
  public var returnCode: ReturnCode
  /// The time reached: tEnd on success, else the last accepted time.
  public var finalTime: Double
  /// The state at ``finalTime`` (n values).
  public var finalState: [Double]
  /// This task's own counters: its steps, and every right-hand side, Jacobian, factorisation and
  /// solve made while it ran (each of those serves four lanes at once; here each lane counts it).
  public var statistics: SolverStatistics
  /// Factorisations of this task's matrix redone by a scalar pivoting solver.
  public var pivotingFallbacks: Int
}

/// The scenarios an ensemble integrator solves: hands out tasks one lane at a time, applies what
/// happens at stop times, and receives saved states and results.
///
/// The integrator calls these from the thread that runs it, one call at a time. A task's results
/// depend only on the task (lanes do not interact), so which lane it runs in, and beside which
/// other tasks, does not change a bit of them.
public protocol EnsembleWorkload: AnyObject {
  /// The next task, or nil when there are no more. Before returning it, the workload prepares
  /// `lane` of the system for it (its constants) and writes its initial state (n values) into
  /// `state`.
  func start(lane: Int, state: UnsafeMutablePointer<Double>) -> LaneTask?
  /// The task in `lane` reached one of its stop times: the workload may change the state (n
  /// values) and the lane's inputs (an infusion rate, say).
  func stop(_ task: LaneTask, lane: Int, at time: Double, state: UnsafeMutablePointer<Double>)
  /// The solution of `task` (running in `lane`) at `task.saveTimes[index]` (n values, valid during the call).
  func save(_ task: LaneTask, lane: Int, index: Int, time: Double, state: UnsafePointer<Double>)
  /// The task ended (successfully or not); its lane is then given the next task.
  func finish(_ task: LaneTask, lane: Int, result: LaneResult)
}
