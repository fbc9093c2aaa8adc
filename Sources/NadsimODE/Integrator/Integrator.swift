/// Solves one ODE system repeatedly with the same options, reusing the method's workspace.
///
/// This is the only integration loop: it walks from stop time to stop time, asks the stepper for
/// attempts, records output on the dense output, locates events, applies the changes at stop
/// times (doses) and restarts the method after each, and enforces ``SolverOptions/maxSteps``.
///
///     let integrator = Integrator(system: robertson, options: options)
///     let solution = integrator.solve(from: 0, y0: [1, 0, 0], to: 1e11)
public final class Integrator {
  public let system: ODESystem
  public let options: SolverOptions
  let stepper: Stepper
  private let scratch: UnsafeMutablePointer<Double>

  public init(system: ODESystem, options: SolverOptions) {
    self.system = system
    self.options = options
    var configuration = StepperConfiguration(system: system, tolerances: options.tolerances)
    configuration.maxStepSize = options.maxStepSize
    configuration.fixedStepSize = options.fixedStepSize
    configuration.maxOrder = options.maxOrder
    stepper = options.method.makeStepper(configuration)
    scratch = .allocate(capacity: system.dimension)
    scratch.initialize(repeating: 0, count: system.dimension)
  }

  deinit { scratch.deallocate() }

  /// Integrates from (t0, y0) to tEnd > t0.
  public func solve(from t0: Double, y0: [Double], to tEnd: Double) -> Solution {
    let n = system.dimension
    var solution = Solution(dimension: n)
    if let why = validate(t0: t0, y0: y0, tEnd: tEnd) {
      solution.returnCode = .invalidInput(why)
      solution.finalTime = t0
      solution.finalState = y0
      return solution
    }
    var loop = LoopCounters()
    // The stepper's counters run over its lifetime; this solve reports its own share.
    let baseline = stepper.statistics
    let y = stepper.y
    for i in 0..<n { y[i] = y0[i] }

    // Output times strictly inside (t0, tEnd], sorted; t0 itself is recorded at once.
    var saveTimes: [Double] = []
    var nextSave = 0
    switch options.saving {
    case .everyStep: solution.record(t0, y)
    case .at(let times):
      let sorted = times.sorted()
      for time in sorted where time == t0 { solution.record(t0, y) }
      saveTimes = sorted.filter { $0 > t0 && $0 <= tEnd }
    case .finalOnly: break
    }
    let stops = options.stopTimes.filter { $0 > t0 && $0 < tEnd }.sorted() + [tEnd]

    var g0 = options.events.map { $0.condition(t0, y) }
    loop.eventEvaluations += g0.count

    func finish(_ code: ReturnCode) -> Solution {
      solution.returnCode = code
      var stats = stepper.statistics
      for counter in SolverStatistics.counters { stats[keyPath: counter.keyPath] -= baseline[keyPath: counter.keyPath] }
      stats.initialStepSize = loop.initialStep
      stats.steps = loop.steps
      stats.acceptedSteps = loop.accepted
      stats.rejectedSteps = loop.rejected
      stats.restarts = loop.restarts
      stats.eventFunctionEvaluations = loop.eventEvaluations
      solution.statistics = stats
      solution.finalTime = stepper.t
      solution.finalState = Array(UnsafeBufferPointer(start: stepper.y, count: n))
      if case .finalOnly = options.saving { solution.record(stepper.t, stepper.y) }
      return solution
    }

    if let failure = stepper.restart(at: t0, initialStep: options.initialStep) { return finish(failure) }
    loop.initialStep = stepper.proposedStep

    for stop in stops {
      while stepper.t < stop {
        if loop.steps >= options.maxSteps {
          return finish(.maxStepsReached(t: stepper.t, maxSteps: options.maxSteps))
        }
        let outcome = stepper.attemptStep(limit: stop)
        loop.steps += 1
        // A method that picks its first step inside its first attempt reports it there.
        if loop.steps == 1 && loop.initialStep == 0 { loop.initialStep = stepper.statistics.initialStepSize }
        switch outcome {
        case .rejected:
          loop.rejected += 1
          continue
        case .failed(let code):
          loop.rejected += 1
          return finish(code)
        case .accepted:
          loop.accepted += 1
        }
        if !options.events.isEmpty,
           let terminal = locateEvents(&g0, &solution, &loop) {
          // End at the terminal event: record what output falls before it, then the event state.
          stepper.interpolate(at: terminal, into: scratch)
          recordOutput(upTo: terminal, saveTimes, &nextSave, &solution)
          for i in 0..<n { y[i] = scratch[i] }
          if case .everyStep = options.saving { solution.record(terminal, y) }
          solution.finalTime = terminal
          var result = finish(.eventTerminated(t: terminal))
          result.finalTime = terminal
          return result
        }
        recordOutput(upTo: stepper.t, saveTimes, &nextSave, &solution)
        if case .everyStep = options.saving { solution.record(stepper.t, y) }
      }
      if stop < tEnd {
        loop.restarts += 1
        if let onStop = options.onStop {
          onStop(stop, y)
          if case .everyStep = options.saving { solution.record(stop, y) }
          for (k, event) in options.events.enumerated() { g0[k] = event.condition(stop, y) }
          loop.eventEvaluations += options.events.count
        }
        if let failure = stepper.restart(at: stop, initialStep: stepper.proposedStep) {
          return finish(failure)
        }
      }
    }
    return finish(.success)
  }

  private struct LoopCounters {
    var steps = 0, accepted = 0, rejected = 0, restarts = 0, eventEvaluations = 0
    var initialStep = 0.0
  }

  /// Records the requested output times in (tPrevious, upTo] from the dense output.
  private func recordOutput(upTo end: Double, _ saveTimes: [Double], _ next: inout Int,
                            _ solution: inout Solution) {
    while next < saveTimes.count && saveTimes[next] <= end {
      let time = saveTimes[next]
      if time == stepper.t {
        solution.record(time, stepper.y)
      } else {
        stepper.interpolate(at: time, into: scratch)
        solution.record(time, scratch)
      }
      next += 1
    }
  }

  /// Checks every event over the last step; records those that fired (earliest first). Returns
  /// the time of the earliest terminal event, if one fired.
  private func locateEvents(_ g0: inout [Double], _ solution: inout Solution,
                            _ loop: inout LoopCounters) -> Double? {
    let a = stepper.tPrevious, b = stepper.t
    var fired: [EventOccurrence] = []
    var earliestTerminal: Double? = nil
    for (k, event) in options.events.enumerated() {
      let g1 = event.condition(b, stepper.y)
      loop.eventEvaluations += 1
      defer { g0[k] = g1 }
      guard event.counts(from: g0[k], to: g1) else { continue }
      let tolerance = 4 * Double.ulpOfOne * max(abs(a), abs(b)) + 1e-12 * (b - a)
      let root = RootFinder.locate(a, b, ga: g0[k], gb: g1, tolerance: tolerance) { time in
        stepper.interpolate(at: time, into: scratch)
        loop.eventEvaluations += 1
        return event.condition(time, scratch)
      }
      fired.append(EventOccurrence(index: k, t: root))
      if event.terminal { earliestTerminal = min(earliestTerminal ?? root, root) }
    }
    fired.sort { $0.t < $1.t }
    for occurrence in fired where earliestTerminal == nil || occurrence.t <= earliestTerminal! {
      solution.events.append(occurrence)
    }
    return earliestTerminal
  }

  private func validate(t0: Double, y0: [Double], tEnd: Double) -> String? {
    let n = system.dimension
    if y0.count != n { return "initial state has \(y0.count) values; the system has \(n) states" }
    if !(t0.isFinite && tEnd.isFinite) { return "the time span must be finite" }
    if !(tEnd > t0) { return "final time \(tEnd) must be after the initial time \(t0)" }
    if let bad = y0.firstIndex(where: { !$0.isFinite }) { return "initial state y\(bad + 1) is not finite" }
    if let why = options.tolerances.problem(dimension: n) { return why }
    if options.maxSteps <= 0 { return "maxSteps must be positive" }
    if let h = options.fixedStepSize, !(h > 0 && h.isFinite) { return "fixed step size must be positive" }
    if !(1...5).contains(options.maxOrder) { return "maxOrder must be 1...5" }
    return nil
  }
}

/// Solves y′ = f(t, y) from t0 to tEnd once; see ``Integrator`` to solve many times.
public func solve(_ system: ODESystem, from t0: Double, y0: [Double], to tEnd: Double,
                  options: SolverOptions = SolverOptions()) -> Solution {
  Integrator(system: system, options: options).solve(from: t0, y0: y0, to: tEnd)
}
