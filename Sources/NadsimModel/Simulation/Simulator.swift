import Foundation
import NadsimODE

/// What to simulate: one virtual person (covariates, parameter overrides), a regimen, a duration,
/// an output grid and the solver settings.
public struct SimulationRequest {
  public var covariates: [String: Double] = [:]
  public var parameters: [String: Double] = [:]
  public var regimen = Regimen()
  /// Length of the run, in hours.
  public var durationHours: Double
  /// Output grid spacing in hours; nil records every accepted step (and both sides of every dose).
  public var everyHours: Double?
  public var method: Method = .auto
  public var tolerances = Tolerances(relative: 1e-6, absolute: 1e-9)
  public var maxSteps = 2_000_000

  public init(durationHours: Double) { self.durationHours = durationHours }
}

/// The result of a simulation, with the bookkeeping a mass balance needs.
public struct Trajectory {
  public var timesHours: [Double] = []
  /// Species values in working units, one row of n per time.
  public var states: [Double] = []
  /// Observables in their units, one row per time.
  public var observables: [Double] = []
  /// The untreated starting state (steady state where the model asks for it).
  public var baseline: [Double] = []
  /// Observables of the untreated starting state (before any dose at t = 0).
  public var baselineObservables: [Double] = []
  /// Amount that entered each species from doses (boluses and infusions, after bioavailability) by
  /// the end of the run, in working amount units.
  public var dosedAmount: [Double] = []
  /// Amount removed from each species by route removals (washing off), in working amount units.
  public var removedAmount: [Double] = []
  public var returnCode: ReturnCode = .success
  public var statistics = SolverStatistics()
}

/// Runs a compiled model for one scenario: constants, baseline, doses at exact stop times, output.
///
/// A simulator belongs to one thread (its compiled evaluators keep scratch registers). It keeps
/// the untreated steady states it has solved, keyed by the scenario's constants, so that runs
/// which differ only in their doses (a dose–response sweep) solve the baseline once; the cached
/// state is the one the solve gave, so results are the same as without the cache.
public final class Simulator {
  public let compiled: CompiledModel
  public var model: Model { compiled.model }
  private var baselines: [[Double]: [Double]] = [:]
  /// Baselines kept at most; the cache starts over when full.
  static let baselineCacheSize = 256
  /// ``DosePlan/volumeUnitFactors(of:)`` of the model, computed on first use.
  private lazy var volumeUnitFactors = DosePlan.volumeUnitFactors(of: model)

  public init(_ compiled: CompiledModel) { self.compiled = compiled }

  public func run(_ request: SimulationRequest) throws -> Trajectory {
    integrate(try prepare(request), like: request)
  }

  /// Integrates a prepared run with the request's method, tolerances and step limit (the scalar
  /// integrator, doses at exact stop times).
  public func integrate(_ run: PreparedRun, like request: SimulationRequest) -> Trajectory {
    var options = SolverOptions(method: request.method, tolerances: request.tolerances)
    options.maxSteps = request.maxSteps
    options.stopTimes = run.stopTimes
    if let saveTimes = run.saveTimes { options.saving = .at(saveTimes) }
    var amounts = run.amounts
    let solution = withInputs(constants: run.constants, infusion: run.initialInfusion) { inputs in
      let infusion = inputs + 1 + compiled.stateCount + compiled.constantCount
      options.onStop = { t, y in run.applyDoses(at: t, to: y, infusion: infusion, amounts: &amounts) }
      return NadsimODE.solve(compiled.system(inputs: inputs), from: 0, y0: run.initialState, to: run.tEnd, options: options)
    }
    return finish(run, times: solution.times, states: solution.states, finalTime: solution.finalTime, amounts: amounts,
                  returnCode: solution.returnCode, statistics: solution.statistics)
  }

  /// Calls `body` with a compiled model's input vector holding the given constants and infusion
  /// rates (zero when nil); t and the state are filled by the system.
  private func withInputs<T>(constants: [Double], infusion: [Double]? = nil,
                             _ body: (UnsafeMutablePointer<Double>) throws -> T) rethrows -> T {
    let n = compiled.stateCount
    let inputs = UnsafeMutablePointer<Double>.allocate(capacity: compiled.inputCount)
    defer { inputs.deallocate() }
    inputs.initialize(repeating: 0, count: compiled.inputCount)
    for (k, value) in constants.enumerated() { inputs[1 + n + k] = value }
    if let infusion { for (i, rate) in infusion.enumerated() { inputs[1 + n + constants.count + i] = rate } }
    return try body(inputs)
  }

  /// Everything one run needs before integration: constants, the dose plan, the untreated
  /// baseline (from the cache when this simulator solved it before), the state after the doses at
  /// t = 0, and stop and save times in the model's time unit. Shared by ``run(_:)`` and
  /// ``EnsembleSimulator``, so both integrate exactly the same problem.
  public func prepare(_ request: SimulationRequest) throws -> PreparedRun {
    let model = self.model
    let n = compiled.stateCount
    guard request.durationHours > 0, request.durationHours.isFinite else {
      throw ModelError("the duration must be a positive number of hours", at: SourceLocation(file: model.file), name: "until")
    }
    if let every = request.everyHours, !(every > 0 && every.isFinite) {
      throw ModelError("the output step must be a positive number of hours", at: SourceLocation(file: model.file), name: "every")
    }
    let constants = try ScenarioConstants(model: model, request: request)
    let plan = try DosePlan(model: model, regimen: request.regimen, constants: constants,
                            durationHours: request.durationHours, volumeUnitFactors: volumeUnitFactors)

    // Baseline: given initial values, then the untreated steady state of the others.
    var y0 = model.species.map { $0.initial ?? 0 }
    let free = model.species.indices.filter { model.species[$0].initial == nil }
    if !free.isEmpty {
      if let cached = baselines[constants.values] {
        y0 = cached
      } else {
        let start = y0.enumerated().map { i, v in free.contains(i) ? max(v, 0) + 1e-3 : v }
        do {
          y0 = try withInputs(constants: constants.values) { inputs in
            try SteadyStateSolver().solve(compiled.system(inputs: inputs), initial: start, free: free).state
          }
        } catch {
          throw ModelError("the untreated steady state could not be found: \(error)", at: SourceLocation(file: model.file))
        }
        if baselines.count >= Self.baselineCacheSize { baselines.removeAll(keepingCapacity: true) }
        baselines[constants.values] = y0
      }
    }
    let hoursPerUnit = model.hoursPerTimeUnit
    let tEnd = request.durationHours / hoursPerUnit
    var run = PreparedRun(constants: constants.values, plan: plan, hoursPerTimeUnit: hoursPerUnit, baseline: y0,
                          initialState: y0, tEnd: tEnd,
                          stopTimes: plan.times.map { $0 / hoursPerUnit }.filter { $0 > 0 && $0 < tEnd },
                          initialInfusion: [Double](repeating: 0, count: n),
                          amounts: ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n)))
    if let every = request.everyHours {
      let count = Int((request.durationHours / every).rounded(.down))
      run.saveTimes = (0...count).map { Double($0) * every / hoursPerUnit }
    }
    // Doses at t = 0 act on the initial state itself.
    run.initialState.withUnsafeMutableBufferPointer { y in
      run.initialInfusion.withUnsafeMutableBufferPointer { infusion in
        plan.apply(at: 0, to: y.baseAddress!, infusion: infusion.baseAddress!, amounts: &run.amounts)
      }
    }
    return run
  }

  /// The trajectory of a run from its integration's output (times in the model's unit, n states
  /// per time): amounts dosed and removed, and observables at each time and of the baseline.
  public func finish(_ run: PreparedRun, times: [Double], states: [Double], finalTime: Double,
                     amounts: (dosed: [Double], removed: [Double]), returnCode: ReturnCode,
                     statistics: SolverStatistics) -> Trajectory {
    let n = compiled.stateCount
    let hoursPerUnit = model.hoursPerTimeUnit
    var trajectory = Trajectory()
    trajectory.baseline = run.baseline
    trajectory.returnCode = returnCode
    trajectory.statistics = statistics
    let infused = run.plan.infusedAmount(until: finalTime * hoursPerUnit, speciesCount: n)
    trajectory.dosedAmount = zip(amounts.dosed, infused).map { $0 + $1 }
    trajectory.removedAmount = amounts.removed
    trajectory.timesHours = times.map { $0 * hoursPerUnit }
    trajectory.states = states
    // Observables at each record, and of the untreated baseline. Infusion inputs do not enter them.
    withInputs(constants: run.constants) { inputs in
      observe(states: states, times: times, baseline: run.baseline, inputs: inputs, into: &trajectory)
    }
    return trajectory
  }

  private func observe(states: [Double], times: [Double], baseline: [Double], inputs: UnsafeMutablePointer<Double>,
                       into trajectory: inout Trajectory) {
    let n = compiled.stateCount
    let observableCount = model.observables.count
    trajectory.baselineObservables = [Double](repeating: 0, count: observableCount)
    if observableCount > 0 {
      trajectory.baselineObservables.withUnsafeMutableBufferPointer { out in
        baseline.withUnsafeBufferPointer { compiled.observe(t: 0, y: $0.baseAddress!, inputs: inputs, into: out.baseAddress!) }
      }
    }
    trajectory.observables = [Double](repeating: 0, count: observableCount * times.count)
    if observableCount > 0 {
      trajectory.observables.withUnsafeMutableBufferPointer { out in
        states.withUnsafeBufferPointer { states in
          for (index, t) in times.enumerated() {
            compiled.observe(t: t, y: states.baseAddress! + index * n, inputs: inputs,
                             into: out.baseAddress! + index * observableCount)
          }
        }
      }
    }
  }
}

extension ScenarioConstants {
  /// The constants of one run: the request's covariates, and its parameters merged as
  /// ``runParameters(model:request:)`` merges them.
  init(model: Model, request: SimulationRequest) throws {
    try self.init(model: model, covariates: request.covariates, parameters: Self.runParameters(model: model, request: request))
  }

  /// The request's parameters, plus dose numbers that name model parameters (an area, say): they
  /// set them for the run unless the request overrides them; different values from different
  /// doses are an error.
  static func runParameters(model: Model, request: SimulationRequest) throws -> [String: Double] {
    var parameters = request.parameters
    for dose in request.regimen.doses {
      for (key, value) in dose.routeParameters where model.parameters.contains(where: { $0.name == key }) {
        if let previous = parameters[key], previous != value, request.parameters[key] == nil {
          throw ModelError("doses give different values (\(previous), \(value)); one run has one value", at: dose.origin, name: key)
        }
        parameters[key] = request.parameters[key] ?? value
      }
    }
    return parameters
  }
}

/// One scenario ready to integrate (``Simulator/prepare(_:)``), in the model's time unit.
public struct PreparedRun {
  /// ``ScenarioConstants/values``.
  public var constants: [Double]
  let plan: DosePlan
  /// Hours per model time unit (dose plans are in hours).
  let hoursPerTimeUnit: Double
  /// The untreated starting state.
  public var baseline: [Double]
  /// The baseline after the doses at t = 0.
  public var initialState: [Double]
  public var tEnd: Double
  /// Dose times inside (0, tEnd), where ``applyDoses(at:to:infusion:amounts:)`` must act.
  public var stopTimes: [Double]
  /// Output times (nil: record every step, which only the scalar integrators do).
  public var saveTimes: [Double]?
  /// Infusion rates after the doses at t = 0 (one per species).
  public var initialInfusion: [Double]
  /// Amounts dosed and removed so far (by the doses at t = 0).
  public var amounts: (dosed: [Double], removed: [Double])

  /// The species this run's doses add to or infuse into.
  public var dosedSpecies: Set<Int> { plan.targetedSpecies }

  /// Applies the doses due at `time` (model unit) to a state and infusion rates (one per species).
  public func applyDoses(at time: Double, to state: UnsafeMutablePointer<Double>,
                         infusion: UnsafeMutablePointer<Double>, amounts: inout (dosed: [Double], removed: [Double])) {
    plan.apply(at: time * hoursPerTimeUnit, to: state, infusion: infusion, amounts: &amounts)
  }
}
