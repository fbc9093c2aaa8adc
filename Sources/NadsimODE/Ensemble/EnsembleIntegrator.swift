/// A method that solves the tasks of an ``EnsembleWorkload`` in SIMD lanes, four scenarios of one
/// ``EnsembleSystem`` at a time: ``EnsembleRosenbrock`` (Rodas5P) or ``EnsembleBDF``.
///
/// Conforming types keep lanes independent: a task's result depends only on the task, never on
/// which lane it runs in or on its neighbours.
public protocol EnsembleIntegrator: AnyObject {
  var system: EnsembleSystem { get }
  var options: EnsembleOptions { get }
  /// Solves every task `workload` hands out until it has no more.
  func run(_ workload: EnsembleWorkload)
}

extension EnsembleRosenbrock: EnsembleIntegrator {}

extension EnsembleIntegrator {
  /// Integrates 1…4 scenarios from the shared t0 to their own end times in one batch (the
  /// system's lanes must hold the scenarios in the same order: lane l solves `y0[l]`). States are
  /// recorded at ``EnsembleOptions/saveTimes`` that fall within each scenario's span.
  public func solve(from t0: Double, y0: [[Double]], to tEnd: [Double]) -> EnsembleSolution {
    let count = y0.count, n = system.dimension
    precondition((1...EnsembleSystem.lanes).contains(count) && tEnd.count == count, "1…4 scenarios, one end time each")
    precondition(y0.allSatisfy { $0.count == n }, "each initial state has one value per state of the system")
    precondition([1, EnsembleSystem.lanes].contains(options.tolerances.count), "one set of tolerances, or one per lane")
    let batch = FixedBatch(t0: t0, y0: y0, tEnd: tEnd, saveTimes: options.saveTimes, dimension: n,
                           tolerances: options.tolerances)
    run(batch)
    return batch.solution
  }
}

/// The workload of ``EnsembleIntegrator/solve(from:y0:to:)``: scenario l in lane l, once.
private final class FixedBatch: EnsembleWorkload {
  let t0: Double
  let y0: [[Double]]
  let tEnd: [Double]
  let saveTimes: [Double]
  let order: [Int]
  let n: Int
  let tolerances: [Tolerances]
  var solution: EnsembleSolution

  init(t0: Double, y0: [[Double]], tEnd: [Double], saveTimes: [Double], dimension n: Int, tolerances: [Tolerances]) {
    self.t0 = t0
    self.y0 = y0
    self.tEnd = tEnd
    self.saveTimes = saveTimes
    order = saveTimes.indices.sorted { saveTimes[$0] < saveTimes[$1] }
    self.n = n
    self.tolerances = tolerances
    solution = EnsembleSolution(dimension: n, lanes: y0.count, saveCount: saveTimes.count)
  }

  func start(lane: Int, state: UnsafeMutablePointer<Double>) -> LaneTask? {
    guard lane < y0.count, solution.finalTimes[lane].isNaN else { return nil }
    solution.finalTimes[lane] = t0  // marks the lane as started
    for i in 0..<n { state[i] = y0[lane][i] }
    var task = LaneTask(id: lane, t0: t0, tEnd: tEnd[lane], saveTimes: order.map { saveTimes[$0] })
    if tolerances.count == EnsembleSystem.lanes { task.tolerances = tolerances[lane] }
    return task
  }

  func stop(_ task: LaneTask, lane: Int, at time: Double, state: UnsafeMutablePointer<Double>) {}

  func save(_ task: LaneTask, lane: Int, index: Int, time: Double, state: UnsafePointer<Double>) {
    let slot = order[index]
    for i in 0..<n { solution.saved[task.id][slot * n + i] = state[i] }
  }

  func finish(_ task: LaneTask, lane: Int, result: LaneResult) {
    solution.returnCodes[task.id] = result.returnCode
    solution.finalTimes[task.id] = result.finalTime
    solution.finalStates[task.id] = result.finalState
    solution.laneStatistics[task.id] = result.statistics
    solution.pivotingFallbacks += result.pivotingFallbacks
  }
}
