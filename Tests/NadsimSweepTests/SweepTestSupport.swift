import Foundation
import NadsimModel
import NadsimODE
@testable import NadsimSweep

/// Shared set-up: the one-compartment oral example model (Models/examples), whose concentration
/// after an oral dose is the Bateman function, and small sweep plans over it.
enum SweepFixture {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let modelPath = root.appendingPathComponent("Models/examples/one-compartment-oral.yaml").path

  static func model() throws -> Model { try ModelLoader.load(path: modelPath) }

  /// Bateman function: C(t) = F·n·ka / (V·(ka − ke)) · (e^(−ke·t) − e^(−ka·t)), n in µmol, V in L.
  static func bateman(t: Double, mg: Double, f: Double = 0.8, ka: Double = 1.2, ke: Double = 0.2, volume: Double = 35) -> Double {
    let n = mg / 250 * 1000
    return f * n * ka / (volume * (ka - ke)) * (exp(-ke * t) - exp(-ka * t))
  }

  static func plan(axes: [String], fixed: [String] = ["route=oral", "substance=drug", "schedule=once"], design: ScenarioDesign.Kind = .grid,
                   samples: Int = 0, seed: UInt64 = 1, population: Int? = nil, every: Double = 0.25, until: Double = 24,
                   trajectories: Bool = false, shard: (Int, Int)? = nil, method: Method = .bdf,
                   modelPath: String = modelPath) throws -> SweepPlan {
    let model = try ModelLoader.load(path: modelPath)
    var definition = SweepDefinition()
    definition.axes = try axes.map { try SweepDefinition.entry(flagValue: $0, flag: "--axis") }
    definition.fixed = fixed.map {
      let parts = $0.split(separator: "=", maxSplits: 1).map(String.init)
      return .init(name: parts[0], values: .list([parts[1]]), origin: "--fixed")
    }
    let (fixedValues, axisList) = try definition.resolve(for: model)
    var template = SimulationRequest(durationHours: until)
    template.everyHours = every
    template.method = method
    template.tolerances = Tolerances(relative: 1e-8, absolute: 1e-10)
    let people = try population.map { try VirtualPopulation(model: model, size: $0, seed: seed) }
    return try SweepPlan(model: model, modelRecord: .init(path: modelPath, sha256: try BuildInfo.fileDigest(modelPath), name: model.name),
                         fixed: fixedValues, design: try ScenarioDesign(kind: design, axes: axisList, samples: samples, seed: seed),
                         template: template, observables: [], population: people, writeTrajectories: trajectories,
                         shard: shard.map { (index: $0.0, count: $0.1) })
  }

  static func temporaryFolder() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("nadsim-sweep-\(UUID().uuidString)").path
  }

  /// Runs a plan into a fresh folder and returns the folder.
  @discardableResult
  static func run(_ plan: SweepPlan, jobs: Int, into folder: String = temporaryFolder(), resume: Bool = false,
                  stopAfterBlocks: Int? = nil) throws -> String {
    let files = SweepRunner.files(for: plan)
    let results = try ResultsFolder(path: folder, fileNames: files.map(\.name),
                                    headers: Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.header) }),
                                    fingerprint: plan.fingerprint, shard: plan.shard.map { "\($0.index)/\($0.count)" } ?? "-",
                                    resume: resume, started: "2026-01-01T00:00:00Z")
    let runner = try SweepRunner(plan: plan, jobs: jobs) { try CompiledModel(plan.model) }
    var blocks = 0
    if let stopAfterBlocks {
      runner.shouldStop = {
        blocks += 1
        return blocks >= stopAfterBlocks
      }
    }
    let outcome = try runner.run(into: results)
    if !outcome.interrupted {
      let manifest = SweepManifest(
        nadsimVersion: "test", gitCommit: "test", command: [], fingerprint: plan.fingerprint, model: plan.modelRecord,
        design: .init(kind: plan.design.kind.rawValue), solver: .init(method: "bdf", rtol: 1e-8, atol: 1e-10),
        durationHours: 24, axes: plan.manifestAxes, observables: [], metricColumns: plan.metricColumns,
        files: .init(summary: SweepRunner.summaryName, quantiles: plan.population != nil ? SweepRunner.quantilesName : nil,
                     trajectories: plan.writeTrajectories ? SweepRunner.trajectoriesName : nil),
        scenarioCount: plan.design.count, shard: plan.shard.map { .init(index: $0.index, count: $0.count) },
        rowCount: plan.scenarioRange.count * plan.rowsPerScenario, failedCount: results.checkpoint.failedRows,
        started: "2026-01-01T00:00:00Z", finished: "2026-01-01T00:00:00Z")
      try results.finish(manifest: try manifest.encoded())
    }
    return folder
  }

  static func read(_ folder: String, _ name: String) throws -> String {
    try String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
  }

  /// Rows of a CSV file without quoted commas (the sweep tests' files have none), as dictionaries.
  static func rows(_ text: String) -> [[String: String]] {
    let lines = text.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst().map { line in
      Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }
  }
}
