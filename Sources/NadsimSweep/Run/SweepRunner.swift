import Foundation
import NadsimModel

/// Runs a ``SweepPlan`` into a ``ResultsFolder``: blocks of whole scenarios, rows computed in
/// parallel by `jobs` workers, then written in scenario order by one writer. The text written
/// for a row depends only on the row, and rows are written in index order, so the files are
/// byte-identical whatever `jobs` is. Memory holds one block, whatever the sweep's size.
public final class SweepRunner {
  public struct Outcome {
    public var rows = 0
    public var failedRows = 0
    public var scenarios = 0
    /// Stopped by ``shouldStop`` before the last scenario.
    public var interrupted = false
  }

  public let plan: SweepPlan
  public let jobs: Int
  /// Called after each block with (scenarios done in this run's range, scenarios in the range).
  public var progress: ((Int, Int) -> Void)?
  /// Asked after each block; true stops the run there (on an interrupt), leaving a folder that
  /// `--resume` finishes.
  public var shouldStop: (() -> Bool)?

  private let workers: [RowWorker]

  /// - Parameter compile: makes one compiled model per worker (evaluators are not shared).
  public init(plan: SweepPlan, jobs: Int, compile: () throws -> CompiledModel) throws {
    self.plan = plan
    self.jobs = max(1, jobs)
    workers = try (0..<max(1, jobs)).map { _ in RowWorker(plan: plan, compiled: try compile()) }
  }

  public static let summaryName = "summary.csv"
  public static let quantilesName = "quantiles.csv"
  public static let trajectoriesName = "trajectories.csv"

  /// The result files this plan writes, with their header rows.
  public static func files(for plan: SweepPlan) -> [(name: String, header: String)] {
    var files = [(summaryName, CSV.row(plan.summaryHeader))]
    if plan.population != nil { files.append((quantilesName, CSV.row(plan.quantilesHeader))) }
    if plan.writeTrajectories { files.append((trajectoriesName, CSV.row(SweepPlan.trajectoriesHeader))) }
    return files
  }

  /// Computes the scenarios not yet done in `folder` and appends them block by block.
  public func run(into folder: ResultsFolder) throws -> Outcome {
    let range = plan.scenarioRange
    let perScenario = plan.rowsPerScenario
    // Rows per block: enough per worker that the ensemble's four lanes stay busy until near the
    // block's end (its last tasks finish with fewer lanes working).
    let scenariosPerBlock = max(1, ((plan.usesEnsemble ? 128 : 64) * jobs) / perScenario)
    var next = range.lowerBound + folder.checkpoint.scenariosDone
    var outcome = Outcome()
    let lock = NSLock()
    while next < range.upperBound {
      let blockEnd = min(range.upperBound, next + scenariosPerBlock)
      let rowCount = (blockEnd - next) * perScenario
      var outputs = [RowOutput](repeating: RowOutput(), count: rowCount)
      var cursor = 0
      let first = next
      outputs.withUnsafeMutableBufferPointer { buffer in
        let slots = buffer
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
          workers[worker].run(rows: {
            lock.lock()
            let row = cursor
            cursor += 1
            lock.unlock()
            guard row < rowCount else { return nil }
            return (row, first + row / perScenario, row % perScenario)
          }, store: { row, output in slots[row] = output })
        }
      }
      var texts: [String: String] = [Self.summaryName: ""]
      var quantiles = "", trajectories = "", failed = 0
      for (row, output) in outputs.enumerated() {
        texts[Self.summaryName]! += output.summary
        trajectories += output.trajectories
        outcome.rows += 1
        if !output.ok { failed += 1 }
        if plan.population != nil, row % perScenario == perScenario - 1 {
          quantiles += quantileRows(scenario: first + row / perScenario, people: outputs[(row - perScenario + 2)...row])
        }
      }
      if plan.population != nil { texts[Self.quantilesName] = quantiles }
      if plan.writeTrajectories { texts[Self.trajectoriesName] = trajectories }
      try folder.append(texts, scenarios: blockEnd - next, failedRows: failed)
      outcome.failedRows += failed
      outcome.scenarios += blockEnd - next
      next = blockEnd
      progress?(next - range.lowerBound, range.count)
      if next < range.upperBound, shouldStop?() == true { outcome.interrupted = true; break }
    }
    return outcome
  }

  /// 5/50/95 % over the virtual people (person ≥ 1) of one scenario, per observable and metric.
  private func quantileRows(scenario: Int, people: ArraySlice<RowOutput>) -> String {
    let values = plan.values(ofScenario: scenario)
    let id = plan.scenarioID(values)
    let axisCells = values.suffix(plan.design.axes.count).map(\.description)
    var text = ""
    for (c, column) in plan.metricColumns.enumerated() {
      let sample = people.compactMap { $0.ok ? $0.metrics[c] : nil }.sorted()
      let q = sample.isEmpty ? ["", "", ""] : [0.05, 0.5, 0.95].map { CSV.number(Quantiles.value($0, sorted: sample)) }
      text += CSV.row([id] + axisCells + [column.observable, column.metric, column.unit, "\(sample.count)"] + q)
    }
    return text
  }
}
