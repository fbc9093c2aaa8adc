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

/// Runs rows for one thread. Each worker owns its simulator: compiled evaluators keep scratch
/// registers and must not be shared between threads.
final class RowWorker {
  let plan: SweepPlan
  let simulator: Simulator

  init(plan: SweepPlan, compiled: CompiledModel) {
    self.plan = plan
    simulator = Simulator(compiled)
  }

  func run(scenario: Int, person: Int) -> RowOutput {
    let values = plan.values(ofScenario: scenario)
    let id = plan.scenarioID(values)
    let axisCells = values.suffix(plan.design.axes.count).map(\.description)
    let metricCount = plan.metricColumns.count
    var output = RowOutput()
    func failed(_ reason: String) -> RowOutput {
      output.summary = CSV.row([id, "\(person)"] + axisCells + ["failed", reason]
        + [String](repeating: "", count: metricCount + SweepPlan.counterColumns.count))
      output.metrics = [Double?](repeating: nil, count: metricCount)
      return output
    }
    let trajectory: Trajectory
    let troughWindow: Double?
    do {
      var (request, window) = try plan.builder.request(values)
      troughWindow = window
      if let population = plan.population, person > 0 {
        let drawn = try population.parameters(person: person) { name in
          request.parameters[name] ?? self.plan.model.parameters.first { $0.name == name }!.value
        }
        request.parameters.merge(drawn) { _, new in new }
      }
      trajectory = try simulator.run(request)
    } catch {
      return failed(Self.oneLine("\(error)"))
    }
    guard trajectory.returnCode.isSuccess else {
      return failed(Self.oneLine("solver: \(trajectory.returnCode)"))
    }
    let m = plan.model.observables.count
    let times = trajectory.timesHours
    var metrics: [Double?] = []
    metrics.reserveCapacity(metricCount)
    var series = [Double](repeating: 0, count: times.count)
    var trajectoryText = ""
    for o in plan.observables {
      for k in times.indices { series[k] = trajectory.observables[k * m + o] }
      if series.contains(where: { !$0.isFinite }) { return failed("observable \(plan.model.observables[o].name) is not finite") }
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
