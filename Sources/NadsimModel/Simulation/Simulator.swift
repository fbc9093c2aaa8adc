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

  public init(_ compiled: CompiledModel) { self.compiled = compiled }

  public func run(_ request: SimulationRequest) throws -> Trajectory {
    let model = self.model
    let n = compiled.stateCount
    guard request.durationHours > 0, request.durationHours.isFinite else {
      throw ModelError("the duration must be a positive number of hours", at: SourceLocation(file: model.file), name: "until")
    }
    if let every = request.everyHours, !(every > 0 && every.isFinite) {
      throw ModelError("the output step must be a positive number of hours", at: SourceLocation(file: model.file), name: "every")
    }
    // Dose numbers that name model parameters set them for the run.
    var parameters = request.parameters
    for dose in request.regimen.doses {
      for (key, value) in dose.routeParameters where model.parameters.contains(where: { $0.name == key }) {
        if let previous = parameters[key], previous != value, request.parameters[key] == nil {
          throw ModelError("doses give different values (\(previous), \(value)); one run has one value", at: dose.origin, name: key)
        }
        parameters[key] = request.parameters[key] ?? value
      }
    }
    let constants = try ScenarioConstants(model: model, covariates: request.covariates, parameters: parameters)
    let plan = try DosePlan(model: model, regimen: request.regimen, constants: constants,
                            durationHours: request.durationHours)

    let inputs = UnsafeMutablePointer<Double>.allocate(capacity: compiled.inputCount)
    defer { inputs.deallocate() }
    inputs.initialize(repeating: 0, count: compiled.inputCount)
    for (k, value) in constants.values.enumerated() { inputs[1 + n + k] = value }
    let infusion = inputs + 1 + n + compiled.constantCount
    let system = compiled.system(inputs: inputs)

    // Baseline: given initial values, then the untreated steady state of the others.
    var y0 = model.species.map { $0.initial ?? 0 }
    let free = model.species.indices.filter { model.species[$0].initial == nil }
    if !free.isEmpty {
      if let cached = baselines[constants.values] {
        y0 = cached
      } else {
        do {
          y0 = try SteadyStateSolver().solve(system, initial: y0.map { max($0, 0) + 1e-3 }.enumerated().map { i, v in
            free.contains(i) ? v : y0[i]
          }, free: free).state
        } catch {
          throw ModelError("the untreated steady state could not be found: \(error)", at: SourceLocation(file: model.file))
        }
        if baselines.count >= Self.baselineCacheSize { baselines.removeAll(keepingCapacity: true) }
        baselines[constants.values] = y0
      }
    }
    var trajectory = Trajectory()
    trajectory.baseline = y0
    trajectory.dosedAmount = [Double](repeating: 0, count: n)
    trajectory.removedAmount = [Double](repeating: 0, count: n)

    let hoursPerUnit = model.hoursPerTimeUnit
    let tEnd = request.durationHours / hoursPerUnit
    var options = SolverOptions(method: request.method, tolerances: request.tolerances)
    options.maxSteps = request.maxSteps
    options.stopTimes = plan.times.map { $0 / hoursPerUnit }.filter { $0 > 0 && $0 < tEnd }
    if let every = request.everyHours {
      let count = Int((request.durationHours / every).rounded(.down))
      options.saving = .at((0...count).map { Double($0) * every / hoursPerUnit })
    }
    var recordedAmounts = (dosed: trajectory.dosedAmount, removed: trajectory.removedAmount)
    // Doses at t = 0 act on the initial state itself.
    y0.withUnsafeMutableBufferPointer { plan.apply(at: 0, to: $0.baseAddress!, infusion: infusion, amounts: &recordedAmounts) }
    options.onStop = { t, y in plan.apply(at: t * hoursPerUnit, to: y, infusion: infusion, amounts: &recordedAmounts) }

    let solution = NadsimODE.solve(system, from: 0, y0: y0, to: tEnd, options: options)
    trajectory.returnCode = solution.returnCode
    trajectory.statistics = solution.statistics
    let infused = plan.infusedAmount(until: solution.finalTime * hoursPerUnit, speciesCount: n)
    trajectory.dosedAmount = zip(recordedAmounts.dosed, infused).map { $0 + $1 }
    trajectory.removedAmount = recordedAmounts.removed
    trajectory.timesHours = solution.times.map { $0 * hoursPerUnit }
    trajectory.states = solution.states
    // Observables at each record, and of the untreated baseline. Infusion inputs do not enter them.
    let observableCount = model.observables.count
    trajectory.baselineObservables = [Double](repeating: 0, count: observableCount)
    if observableCount > 0 {
      trajectory.baselineObservables.withUnsafeMutableBufferPointer { out in
        trajectory.baseline.withUnsafeBufferPointer { compiled.observe(t: 0, y: $0.baseAddress!, inputs: inputs, into: out.baseAddress!) }
      }
    }
    trajectory.observables = [Double](repeating: 0, count: observableCount * solution.times.count)
    if observableCount > 0 {
      trajectory.observables.withUnsafeMutableBufferPointer { out in
        solution.states.withUnsafeBufferPointer { states in
          for (index, t) in solution.times.enumerated() {
            compiled.observe(t: t, y: states.baseAddress! + index * n, inputs: inputs,
                             into: out.baseAddress! + index * observableCount)
          }
        }
      }
    }
    return trajectory
  }
}
