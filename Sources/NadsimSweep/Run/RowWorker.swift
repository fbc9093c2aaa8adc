import Foundation
import NadsimModel
import NadsimODE

/// The result of one row (a scenario for one person), already formatted as CSV text so that
/// workers, not the single writer, pay for formatting.
struct RowOutput {
  var summary = ""
  var trajectories = ""
  /// Metric values in ``SweepPlan/metricColumns`` order; nil where missing (failed, or no t90).
  var metrics: [Double?] = []
  var ok = false
}

/// Runs rows for one thread. Each worker owns its simulators: compiled evaluators keep scratch
/// registers and must not be shared between threads.
final class RowWorker {
  let plan: SweepPlan
  let simulator: Simulator
  /// The lane solver, when the plan uses it (it has its own scalar simulator for its fallbacks).
  let ensemble: EnsembleSimulator?

  init(plan: SweepPlan, compiled: CompiledModel) {
    self.plan = plan
    if plan.usesEnsemble {
      let ensemble = EnsembleSimulator(compiled, method: plan.builder.template.method,
                                       maxSteps: plan.builder.template.maxSteps, holding: plan.heldSpecies)
      self.ensemble = ensemble
      simulator = ensemble.simulator
    } else {
      ensemble = nil
      simulator = Simulator(compiled)
    }
  }

  /// Computes rows handed out by `next` (nil when there are none left) and gives each row's
  /// output to `store`: through the lanes of ``EnsembleSimulator`` when the plan uses them, else
  /// one at a time. A row's output depends only on the row.
  func run(rows next: @escaping () -> (row: Int, scenario: Int, person: Int)?, store: @escaping (Int, RowOutput) -> Void) {
    guard let ensemble else {
      while let (row, scenario, person) = next() { store(row, run(scenario: scenario, person: person)) }
      return
    }
    var pending: [Int: (scenario: Int, person: Int, window: Double?)] = [:]
    ensemble.run(next: {
      while let (row, scenario, person) = next() {
        do {
          let (request, window) = try self.request(scenario: scenario, person: person)
          pending[row] = (scenario, person, window)
          return (row, request)
        } catch {
          store(row, self.failed(scenario: scenario, person: person, Self.oneLine("\(error)")))
        }
      }
      return nil
    }, done: { row, outcome in
      let info = pending.removeValue(forKey: row)!
      store(row, self.output(scenario: info.scenario, person: info.person, troughWindow: info.window, outcome))
    })
  }

  func run(scenario: Int, person: Int) -> RowOutput {
    let request: SimulationRequest, window: Double?
    do { (request, window) = try self.request(scenario: scenario, person: person) } catch {
      return failed(scenario: scenario, person: person, Self.oneLine("\(error)"))
    }
    return output(scenario: scenario, person: person, troughWindow: window, Result { try simulator.run(request) })
  }

  /// The simulation request of one row, and the trough window of its schedule.
  func request(scenario: Int, person: Int) throws -> (SimulationRequest, Double?) {
    try plan.requestAndTroughWindow(scenario: scenario, person: person)
  }

  /// A row that could not be computed, with its reason.
  func failed(scenario: Int, person: Int, _ reason: String) -> RowOutput {
    let values = plan.values(ofScenario: scenario)
    let axisCells = values.suffix(plan.design.axes.count).map(\.description)
    var output = RowOutput()
    output.summary = CSV.row([plan.scenarioID(values), "\(person)"] + axisCells + ["failed", reason]
      + [String](repeating: "", count: plan.metricColumns.count + SweepPlan.counterColumns.count))
    output.metrics = [Double?](repeating: nil, count: plan.metricColumns.count)
    return output
  }

  /// The row's CSV text and metrics from its simulation's outcome.
  func output(scenario: Int, person: Int, troughWindow: Double?, _ outcome: Result<Trajectory, Error>) -> RowOutput {
    let trajectory: Trajectory
    switch outcome {
    case .success(let result): trajectory = result
    case .failure(let error): return failed(scenario: scenario, person: person, Self.oneLine("\(error)"))
    }
    guard trajectory.returnCode.isSuccess else {
      return failed(scenario: scenario, person: person, Self.oneLine("solver: \(trajectory.returnCode)"))
    }
    let values = plan.values(ofScenario: scenario)
    let id = plan.scenarioID(values)
    let axisCells = values.suffix(plan.design.axes.count).map(\.description)
    let metricCount = plan.metricColumns.count
    var output = RowOutput()
    let m = plan.model.observables.count
    let times = trajectory.timesHours
    var metrics: [Double?] = []
    metrics.reserveCapacity(metricCount)
    var series = [Double](repeating: 0, count: times.count)
    var trajectoryText = ""
    for o in plan.observables {
      for k in times.indices { series[k] = trajectory.observables[k * m + o] }
      if series.contains(where: { !$0.isFinite }) {
        return failed(scenario: scenario, person: person, "observable \(plan.model.observables[o].name) is not finite")
      }
      let baseline = trajectory.baselineObservables[o]
      let r = TrajectoryMetrics(times: times, values: series, baseline: baseline, troughWindowHours: troughWindow)
      metrics += [baseline, r.cmax, r.tmax, r.auc, r.trough, baseline != 0 ? r.foldChange : nil, r.timeTo90PercentOfFinal]
      if plan.writeTrajectories {
        let name = plan.model.observables[o].name, unit = CSV.field(plan.model.observables[o].unit.description)
        let prefix = "\(id),\(person),"
        for k in times.indices {
          trajectoryText += prefix + CSV.number(times[k]) + "," + name + "," + CSV.number(series[k]) + "," + unit + "\n"
        }
      }
    }
    let s = trajectory.statistics
    let counters = [s.steps, s.rejectedSteps, s.rhsEvaluations, s.jacobianEvaluations, s.luFactorizations].map { "\($0)" }
    output.summary = CSV.row([id, "\(person)"] + axisCells + ["ok", ""] + metrics.map { $0.map(CSV.number) ?? "" } + counters)
    output.trajectories = trajectoryText
    output.metrics = metrics
    output.ok = true
    return output
  }

  /// Errors on one line (CSV cells may hold line breaks, but one line per row reads better).
  static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
