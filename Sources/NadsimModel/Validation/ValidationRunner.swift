import NadsimODE

/// Runs a ``ValidationSuite`` against a compiled model: simulates each scenario once and
/// evaluates every target.
public struct ValidationRunner {
  public struct Outcome {
    public var target: ValidationSuite.Target
    public var simulated: Double
    public var passed: Bool
  }

  public let simulator: Simulator
  public var tolerances = Tolerances(relative: 1e-8, absolute: 1e-10)
  public var method: Method = .auto

  public init(_ simulator: Simulator) { self.simulator = simulator }

  public func run(_ suite: ValidationSuite) throws -> [Outcome] {
    let model = simulator.model
    guard suite.model == model.name else {
      throw ModelError("this validation file is for model '\(suite.model)', not '\(model.name)'", at: SourceLocation(file: suite.file))
    }
    var trajectories: [String: Trajectory] = [:]
    func trajectory(_ name: String) throws -> Trajectory {
      if let t = trajectories[name] { return t }
      guard let scenario = suite.scenarios.first(where: { $0.name == name }) else {
        throw ModelError("unknown scenario '\(name)'", at: SourceLocation(file: suite.file))
      }
      var request = SimulationRequest(durationHours: scenario.untilHours)
      request.everyHours = scenario.everyHours
      request.covariates = scenario.covariates
      request.parameters = scenario.parameters
      for (name, factor) in scenario.scaled {
        guard let p = model.parameters.first(where: { $0.name == name }) else {
          throw ModelError("unknown parameter", at: scenario.location, name: name)
        }
        request.parameters[name] = (scenario.parameters[name] ?? p.value) * factor
      }
      request.tolerances = tolerances
      request.method = method
      do {
        request.regimen = try DoseFlag.regimen(scenario.doses, flag: "doses")
      } catch {
        throw ModelError("scenario '\(name)': \(error)", at: scenario.location)
      }
      let result = try simulator.run(request)
      guard result.returnCode.isSuccess else {
        throw ModelError("scenario '\(name)' failed: \(result.returnCode)", at: scenario.location)
      }
      trajectories[name] = result
      return result
    }
    func series(_ observable: String, _ t: Trajectory) throws -> (values: [Double], baseline: Double) {
      if let k = model.observables.firstIndex(where: { $0.name == observable }) {
        let m = model.observables.count
        return ((0..<t.timesHours.count).map { t.observables[$0 * m + k] }, t.baselineObservables[k])
      }
      if let i = model.speciesIndex(observable) {
        let n = model.species.count
        return ((0..<t.timesHours.count).map { t.states[$0 * n + i] }, t.baseline[i])
      }
      throw ModelError("no observable or species '\(observable)'", at: SourceLocation(file: suite.file))
    }
    /// ∫ (rate − baseline) dt over the recorded points, converted to the working amount unit, over
    /// the amount dosed in the scenario.
    func doseFraction(_ q: ValidationSuite.Quantity, _ t: Trajectory, _ values: [Double], _ baseline: Double) throws -> Double {
      guard let observable = model.observables.first(where: { $0.name == q.observable }) else {
        throw ModelError("dose_fraction needs an observable that is a rate (amount per time); '\(q.observable)' is a species",
                         at: SourceLocation(file: suite.file), name: q.observable)
      }
      var factor = 1.0
      if let system = model.unitSystem {
        do { factor = try observable.unit.conversionFactor(to: system.amount / Unit.hour) } catch {
          throw ModelError("dose_fraction needs an observable that is an amount per time, not \(observable.unit)",
                           at: SourceLocation(file: suite.file), name: q.observable)
        }
      }
      let dosed = t.dosedAmount.reduce(0, +)
      guard dosed > 0 else {
        throw ModelError("dose_fraction needs a scenario with a dose; '\(q.scenario)' doses nothing",
                         at: SourceLocation(file: suite.file), name: q.observable)
      }
      var area = 0.0
      for k in values.indices.dropFirst() {
        area += 0.5 * ((values[k] - baseline) + (values[k - 1] - baseline)) * (t.timesHours[k] - t.timesHours[k - 1])
      }
      return area * factor / dosed
    }
    func value(_ q: ValidationSuite.Quantity) throws -> Double {
      let t = try trajectory(q.scenario)
      let (values, baseline) = try series(q.observable, t)
      let metrics = TrajectoryMetrics(times: t.timesHours, values: values, baseline: baseline)
      switch q.statistic {
      case .baseline: return baseline
      case .end: return values.last!
      case .max: return metrics.cmax
      case .min: return values.min()!
      case .tmax: return metrics.tmax
      case .auc: return metrics.auc
      case .fold: return metrics.foldChange
      case .peakFold: return metrics.cmax / baseline
      case .timeTo90: return metrics.timeTo90PercentOfFinal ?? .infinity
      case .doseFraction:
        return try doseFraction(q, t, values, baseline)
      case .at(let hours):
        guard let k = t.timesHours.firstIndex(where: { abs($0 - hours) <= 1e-9 * max(1, hours) }) else {
          throw ModelError("scenario '\(q.scenario)' has no output at \(hours) h; give it an 'every' that hits it",
                           at: SourceLocation(file: suite.file))
        }
        return values[k]
      }
    }
    return try suite.targets.map { target in
      let simulated: Double
      switch target.check {
      case .quantity(let q): simulated = try value(q)
      case .ratio(let a, let b): simulated = try value(a) / value(b)
      case .massBalance(let scenario, let observable):
        let t = try trajectory(scenario)
        let (values, baseline) = try series(observable, t)
        let net = t.dosedAmount.reduce(0, +) - t.removedAmount.reduce(0, +)
        // The moiety total may change only by what was dosed minus what was removed; compare at
        // the end of the run (all doses in) relative to the larger of the dose and the pool.
        simulated = abs((values.last! - baseline) - net) / max(abs(net), abs(baseline), 1e-300)
      case .nonnegative(let scenario):
        simulated = try trajectory(scenario).states.min() ?? 0
      }
      return Outcome(target: target, simulated: simulated, passed: target.expected.contains(simulated))
    }
  }
}
