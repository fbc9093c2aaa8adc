/// What the task bookkeeping shared by the lane integrators (``LaneTasks``) reads and writes in an
/// integrator's per-lane state.
protocol LaneTaskState {
  init()
  var task: LaneTask? { get set }
  /// The lane's time (the end of its last accepted step).
  var t: Double { get set }
  var nextStop: Int { get set }
  var nextSave: Int { get set }
  /// The next stop time, or tEnd: what steps are clipped to (kept here so that the step loop does
  /// not touch the task's arrays).
  var limit: Double { get set }
  /// The next save time, or +∞.
  var nextSaveTime: Double { get set }
  var statistics: SolverStatistics { get set }
  var fallbacks: Int { get set }
}

/// The task bookkeeping of ``EnsembleRosenbrock`` and ``EnsembleBDF``: handing tasks to idle lanes
/// (checking them as the scalar solver checks its input), saves, stops and results. The lanes'
/// arrays and masks stay with the integrator's run loop; these functions act on them.
struct LaneTasks {
  let workload: EnsembleWorkload
  let options: EnsembleOptions
  let n: Int
  /// One lane's state, handed to the workload.
  let state: UnsafeMutablePointer<Double>
  let y: UnsafeMutablePointer<SIMD4<Double>>
  let rtol: UnsafeMutablePointer<SIMD4<Double>>
  let atol: UnsafeMutablePointer<SIMD4<Double>>

  /// Gives every idle lane its next task: the task's initial state goes into `y`, its tolerances
  /// into `rtol`/`atol`, saves at t0 are served, and `started(&lane, l, tolerances)` lets the
  /// integrator set up its own state. A task with bad input ends at once with
  /// ``ReturnCode/invalidInput(_:)`` and the lane takes the next one.
  func refill<Lane: LaneTaskState>(_ lane: inout [Lane], busy: inout LaneMask, exhausted: inout LaneMask,
                                   lastOrder: Int, started: (inout Lane, Int, Tolerances) -> Void) {
    for l in 0..<EnsembleSystem.lanes where !busy[l] && !exhausted[l] {
      while !exhausted[l] && !busy[l] {
        guard let task = workload.start(lane: l, state: state) else {
          exhausted[l] = true
          break
        }
        lane[l] = Lane()
        lane[l].task = task
        lane[l].t = task.t0
        let tolerances = task.tolerances ?? options.tolerances[0]
        for i in 0..<n { y[i][l] = state[i] }
        if let why = problem(task, tolerances) {
          busy[l] = true
          finish(&lane, l, .invalidInput(why), busy: &busy, lastOrder: lastOrder)
          continue
        }
        let (r, a) = tolerances.expanded(dimension: n)
        for i in 0..<n {
          rtol[i][l] = r[i]
          atol[i][l] = a[i]
        }
        while lane[l].nextStop < task.stops.count && task.stops[lane[l].nextStop] <= task.t0 { lane[l].nextStop += 1 }
        while lane[l].nextSave < task.saveTimes.count && task.saveTimes[lane[l].nextSave] < task.t0 {
          lane[l].nextSave += 1
        }
        while lane[l].nextSave < task.saveTimes.count && task.saveTimes[lane[l].nextSave] == task.t0 {
          workload.save(task, lane: l, index: lane[l].nextSave, time: task.t0, state: state)
          lane[l].nextSave += 1
        }
        lane[l].limit = limit(lane[l])
        lane[l].nextSaveTime = nextSaveTime(lane[l])
        started(&lane[l], l, tolerances)
        busy[l] = true
      }
    }
  }

  /// Ends lane l's task with `code` and its last accepted state (in `y`).
  func finish<Lane: LaneTaskState>(_ lane: inout [Lane], _ l: Int, _ code: ReturnCode, busy: inout LaneMask,
                                   lastOrder: Int) {
    guard let task = lane[l].task else { return }
    for i in 0..<n { state[i] = y[i][l] }
    var stats = lane[l].statistics
    stats.lastOrder = lastOrder
    workload.finish(task, lane: l, result: LaneResult(
      returnCode: code, finalTime: lane[l].t, finalState: Array(UnsafeBufferPointer(start: state, count: n)),
      statistics: stats, pivotingFallbacks: lane[l].fallbacks))
    lane[l].task = nil
    busy[l] = false
  }

  /// Hands the workload lane l's save times in (its last save, `end`]: `fill(time)` writes the
  /// lane's solution at `time` into ``state``.
  func serveSaves<Lane: LaneTaskState>(_ lane: inout Lane, _ l: Int, through end: Double, fill: (Double) -> Void) {
    guard lane.nextSaveTime <= end, let task = lane.task else { return }
    while lane.nextSave < task.saveTimes.count && task.saveTimes[lane.nextSave] <= end {
      let time = task.saveTimes[lane.nextSave]
      fill(time)
      workload.save(task, lane: l, index: lane.nextSave, time: time, state: state)
      lane.nextSave += 1
    }
    lane.nextSaveTime = nextSaveTime(lane)
  }

  /// Lane l has just reached its limit (in `y`, time in `lane.t`): if it is a stop, lets the
  /// workload change the state there and returns true (the integrator restarts the lane); if it is
  /// the task's end, returns false (the caller finishes the task).
  func passStop<Lane: LaneTaskState>(_ lane: inout Lane, _ l: Int) -> Bool {
    guard let task = lane.task, lane.nextStop < task.stops.count else { return false }
    let stop = lane.limit
    lane.nextStop += 1
    lane.limit = limit(lane)
    for i in 0..<n { state[i] = y[i][l] }
    workload.stop(task, lane: l, at: stop, state: state)
    for i in 0..<n { y[i][l] = state[i] }
    lane.statistics.restarts += 1
    return true
  }

  /// Why a task cannot start (as the scalar integrator checks its input), or nil.
  private func problem(_ task: LaneTask, _ tolerances: Tolerances) -> String? {
    if let bad = (0..<n).first(where: { !state[$0].isFinite }) { return "initial state y\(bad + 1) is not finite" }
    if !(task.t0.isFinite && task.tEnd.isFinite && task.tEnd > task.t0) {
      return "final time \(task.tEnd) must be finite and after \(task.t0)"
    }
    if let problem = tolerances.problem(dimension: n) { return problem }
    if options.maxSteps <= 0 { return "maxSteps must be positive" }
    return nil
  }

  private func limit<Lane: LaneTaskState>(_ lane: Lane) -> Double {
    let task = lane.task!
    return lane.nextStop < task.stops.count ? task.stops[lane.nextStop] : task.tEnd
  }

  private func nextSaveTime<Lane: LaneTaskState>(_ lane: Lane) -> Double {
    let task = lane.task!
    return lane.nextSave < task.saveTimes.count ? task.saveTimes[lane.nextSave] : .infinity
  }
}
