import ArgumentParser
import Foundation
import NadsimModel
import NadsimODE
import NadsimSweep

/// `nadsim sweep`: many scenarios of one model (grid, Latin hypercube or Monte Carlo over doses,
/// routes, schedules, covariates and parameters, optionally with virtual populations) into a
/// results folder: summary.csv, quantiles.csv, trajectories.csv, manifest.json.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Run a dose-scenario sweep into a results folder (summary.csv, manifest.json, ...).",
    discussion: """
      Axes and fixed values use the sweep vocabulary: route, substance, dose, daily_dose, schedule, \
      start, dosing_for, infusion, co_dose, and any covariate, parameter or route parameter of the \
      model (Models/sweeps/README.md). A sweep file (--sweep) and flags combine; flags win.

      Example: nadsim sweep --model Models/nad-human.yaml --fixed route=oral --axis substance=NMN,NR \
      --axis daily_dose=0,250,500,1000 --axis schedule="once daily,twice daily" --axis age=25,55,85 \
      --until 28d --every 6h --out results/oral

      The exit code is 0 when every scenario succeeded, 1 when some failed (their rows say why), \
      2 for bad input.
      """)

  @Option(help: "Sweep file (YAML, Models/sweeps/README.md).")
  var sweep: String?

  @Option(help: "Model file (overrides the sweep file's).")
  var model: String?

  @Option(name: .customLong("axis"), help: "An axis: NAME=V1,V2,... or NAME=LOW..HIGH[:STEPS][:log] (repeatable).")
  var axes: [String] = []

  @Option(name: .customLong("fixed"), help: "A value shared by every scenario: NAME=VALUE (repeatable).")
  var fixed: [String] = []

  @Option(help: "Scenario design: grid, latin_hypercube (lhs) or monte_carlo (mc).")
  var design: String?

  @Option(help: "Samples over the ranged axes (latin_hypercube, monte_carlo).")
  var samples: Int?

  @Option(help: "Seed of the design's samples and of the virtual people.")
  var seed: UInt64?

  @Option(help: "Virtual people per scenario, drawn from the model's declared variability.")
  var population: Int?

  @Option(help: "Length of each run (e.g. 28d).")
  var until: String?

  @Option(help: "Grid for metrics and trajectories (e.g. 1h; default 1h).")
  var every: String?

  @Option(name: .customLong("observable"), help: "Observables to report, comma-separated (default: all).")
  var observables: [String] = []

  @Option(name: .customLong("parameter-set"), help: "A parameter-set file applied to every scenario.")
  var parameterSet: String?

  @Flag(help: "Also write trajectories.csv (tidy long, on the --every grid).")
  var trajectories = false

  @Option(help: "Integration method: a scalar method (bdf, the default; rodas5p, auto, radau5, tsit5, dop853) or ensemble (Rodas5P on four scenarios at a time in SIMD lanes).")
  var method: String?

  @Option(help: "Relative tolerance (default 1e-6).")
  var rtol: String?

  @Option(help: "Absolute tolerance in working units (default 1e-9).")
  var atol: String?

  @Option(help: "Results folder (created if missing).")
  var out: String

  @Option(help: "Worker threads (default: all cores). Output does not depend on it.")
  var jobs: Int?

  @Option(help: "Run part K of N (K/N): a contiguous share of the scenarios; join parts with nadsim merge.")
  var shard: String?

  @Flag(help: "Finish an interrupted run of the same command in --out.")
  var resume = false

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func run() throws {
    let started = BuildInfo.timestamp()
    var definition = SweepDefinition()
    do {
      if let sweep { definition = try SweepFile.load(path: sweep) }
      try applyFlags(to: &definition)
    } catch let error as SweepInputError { throw InputError(error.message) }

    guard let modelPath = definition.modelPath else { throw InputError("--model: no model given (flag or the sweep file's 'model')") }
    let loaded: Model
    do { loaded = try ModelLoader.load(path: modelPath) } catch let error as ModelError { throw InputError(error.description) }
    let hoursPerUnit = loaded.hoursPerTimeUnit
    guard let untilText = definition.until else { throw InputError("--until: no run length given (flag or the sweep file's 'until')") }
    var template = SimulationRequest(durationHours: try SimulateCommand.duration(untilText, flag: "--until", hoursPerUnit: hoursPerUnit))
    template.everyHours = try SimulateCommand.duration(definition.every ?? "1h", flag: "--every", hoursPerUnit: hoursPerUnit)
    // "ensemble": Rodas5P in SIMD lanes, with scalar rodas5p for lanes that fail. The default
    // stays bdf: on the human model the lanes run at 0.6× scalar BDF's speed (see
    // Benchmarks/results/sweep-scaling.md), because its right-hand side does not vectorise yet.
    let methodName = definition.method ?? Method.bdf.rawValue
    let usesEnsemble = methodName.lowercased() == "ensemble"
    template.method = usesEnsemble ? .rodas5p : try ListParsing.method(methodName, flag: "--method")
    let rtol = try ListParsing.tolerances(definition.rtol ?? "1e-6", flag: "--rtol")
    let atol = try ListParsing.doubles(definition.atol ?? "1e-9", flag: "--atol")
    guard rtol.count == 1, atol.count == 1, atol[0] >= 0 else { throw InputError("--rtol and --atol take one value each (atol ≥ 0)") }
    template.tolerances = Tolerances(relative: rtol[0], absolute: atol[0])

    var parameterSetRecord: SweepManifest.FileRecord?
    do {
      if let path = definition.parameterSet {
        let set = try ParameterSet.load(path: path, for: loaded)
        template.parameters = set.values
        parameterSetRecord = .init(path: path, sha256: try BuildInfo.fileDigest(path), name: set.label)
      }
    } catch let error as ModelError { throw InputError(error.description) }

    var plan: SweepPlan
    do {
      let (fixedValues, axisList) = try definition.resolve(for: loaded)
      let kind = definition.design ?? .grid
      let design = try ScenarioDesign(kind: kind, axes: axisList, samples: definition.samples ?? 0, seed: definition.seed ?? 1)
      guard design.count > 0 else { throw InputError("the sweep has no scenarios") }
      var people: VirtualPopulation?
      if let size = definition.populationSize {
        guard size >= 1 else { throw InputError("--population \(size): expected a whole number ≥ 1") }
        people = try VirtualPopulation(model: loaded, size: size, seed: definition.populationSeed ?? definition.seed ?? 1,
                                       correlations: loaded.correlations.map { ($0.first, $0.second, $0.coefficient) })
      }
      plan = try SweepPlan(
        model: loaded, modelRecord: .init(path: modelPath, sha256: try BuildInfo.fileDigest(modelPath), name: loaded.name),
        sweepFile: try sweep.map { .init(path: $0, sha256: try BuildInfo.fileDigest($0)) }, parameterSet: parameterSetRecord,
        fixed: fixedValues, design: design, template: template, observables: definition.observables,
        population: people, writeTrajectories: definition.trajectories ?? false, shard: try parseShard())
      plan.usesEnsemble = usesEnsemble
    } catch let error as SweepInputError {
      throw InputError(error.message)
    } catch let error as ScenarioDesign.DesignError {
      throw InputError(error.message)
    } catch let error as ScenarioBuilder.BuildError {
      throw InputError(error.message)
    } catch let error as VirtualPopulation.PopulationError {
      throw InputError("--population: \(error.message)")
    }

    let jobCount = jobs ?? ProcessInfo.processInfo.activeProcessorCount
    guard jobCount >= 1 else { throw InputError("--jobs \(jobCount): expected a whole number ≥ 1") }
    let files = SweepRunner.files(for: plan)
    let folder: ResultsFolder
    do {
      folder = try ResultsFolder(path: out, fileNames: files.map(\.name),
                                 headers: Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.header) }),
                                 fingerprint: plan.fingerprint, shard: plan.shard.map { "\($0.index)/\($0.count)" } ?? "-",
                                 resume: resume, started: started)
    } catch let error as ResultsFolder.FolderError { throw InputError(error.message) }

    let runner: SweepRunner
    do {
      runner = try SweepRunner(plan: plan, jobs: jobCount) { try CompiledModel(loaded) }
    } catch let error as ModelError { throw InputError(error.description) }
    let reporter = ProgressReporter(enabled: !quiet && isatty(STDERR_FILENO) != 0)
    runner.progress = reporter.report
    // Ctrl-C stops after the block in progress: everything done is kept for --resume.
    sweepInterrupted = false
    signal(SIGINT) { _ in sweepInterrupted = true }
    runner.shouldStop = { sweepInterrupted }
    let outcome = try runner.run(into: folder)
    signal(SIGINT, SIG_DFL)
    reporter.finish()
    if outcome.interrupted {
      FileHandle.standardError.write(Data("interrupted: \(out) keeps the scenarios done so far; rerun the same command with --resume to finish\n".utf8))
      throw ExitCode(130)
    }

    // Counts over the whole folder (a resumed run only computed the remainder).
    let failed = folder.checkpoint.failedRows
    let rowCount = plan.scenarioRange.count * plan.rowsPerScenario
    let manifest = SweepManifest(
      nadsimVersion: BuildInfo.version, gitCommit: BuildInfo.gitCommit(), command: CommandLine.arguments,
      fingerprint: plan.fingerprint, model: plan.modelRecord, sweepFile: plan.sweepFile, parameterSet: plan.parameterSet,
      design: .init(kind: plan.design.kind.rawValue, samples: plan.design.kind == .grid ? nil : plan.design.samples,
                    seed: plan.design.kind == .grid ? nil : plan.design.seed),
      population: plan.population.map { .init(size: $0.size, seed: $0.seed, varied: $0.varied.map(\.name)) },
      solver: .init(method: plan.methodName, rtol: rtol[0], atol: atol[0]),
      durationHours: template.durationHours, gridHours: template.everyHours,
      axes: plan.manifestAxes,
      observables: plan.observables.map { .init(name: loaded.observables[$0].name, unit: loaded.observables[$0].unit.description,
                                                description: loaded.observables[$0].description) },
      metricColumns: plan.metricColumns,
      files: .init(summary: SweepRunner.summaryName,
                   quantiles: plan.population != nil ? SweepRunner.quantilesName : nil,
                   trajectories: plan.writeTrajectories ? SweepRunner.trajectoriesName : nil),
      scenarioCount: plan.design.count, shard: plan.shard.map { .init(index: $0.index, count: $0.count) },
      rowCount: rowCount, failedCount: failed, started: folder.checkpoint.started, finished: BuildInfo.timestamp())
    do { try folder.finish(manifest: try manifest.encoded()) } catch let error as ResultsFolder.FolderError {
      throw InputError(error.message)
    }
    if !quiet {
      FileHandle.standardError.write(Data(
        "\(out): \(rowCount) rows (\(outcome.rows) computed now), \(failed) failed; \(plan.scenarioRange.count) scenarios × \(plan.rowsPerScenario) people\n".utf8))
    }
    if failed > 0 { throw ExitCode(1) }
  }

  private func applyFlags(to definition: inout SweepDefinition) throws {
    if let model { definition.modelPath = model }
    if let until { definition.until = until }
    if let every { definition.every = every }
    if !observables.isEmpty {
      definition.observables = observables.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    }
    for text in fixed {
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw SweepInputError("--fixed \(text): expected NAME=VALUE") }
      definition.fixed.removeAll { $0.name == parts[0] }
      definition.axes.removeAll { $0.name == parts[0] }
      definition.fixed.append(.init(name: parts[0], values: .list([parts[1]]), origin: "--fixed"))
    }
    for text in axes {
      let entry = try SweepDefinition.entry(flagValue: text, flag: "--axis")
      definition.axes.removeAll { $0.name == entry.name }
      definition.fixed.removeAll { $0.name == entry.name }
      definition.axes.append(entry)
    }
    if let design {
      let aliases = ["lhs": "latin_hypercube", "mc": "monte_carlo"]
      guard let kind = ScenarioDesign.Kind(rawValue: aliases[design] ?? design) else {
        throw SweepInputError("--design \(design): expected grid, latin_hypercube (lhs) or monte_carlo (mc)")
      }
      definition.design = kind
    }
    if let samples {
      guard samples >= 1 else { throw SweepInputError("--samples \(samples): expected a whole number ≥ 1") }
      definition.samples = samples
    }
    if let seed {
      definition.seed = seed
      definition.populationSeed = seed
    }
    if let population { definition.populationSize = population }
    if let method { definition.method = method }
    if let rtol { definition.rtol = rtol }
    if let atol { definition.atol = atol }
    if let parameterSet { definition.parameterSet = parameterSet }
    if trajectories { definition.trajectories = true }
  }

  private func parseShard() throws -> (index: Int, count: Int)? {
    guard let shard else { return nil }
    let parts = shard.split(separator: "/").map { Int($0) }
    guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, (1...n).contains(k) else {
      throw InputError("--shard \(shard): expected K/N with 1 ≤ K ≤ N, e.g. 2/4")
    }
    return (k, n)
  }
}

/// Set by the SIGINT handler of `nadsim sweep` (a C signal handler cannot capture context).
nonisolated(unsafe) var sweepInterrupted = false

/// `done/total, rate, ETA` on one updating stderr line, only when stderr is a terminal.
final class ProgressReporter {
  let enabled: Bool
  let start = Date()
  init(enabled: Bool) { self.enabled = enabled }

  func report(_ done: Int, _ total: Int) {
    guard enabled else { return }
    let elapsed = Date().timeIntervalSince(start)
    let rate = Double(done) / max(elapsed, 1e-9)
    let eta = rate > 0 ? Double(total - done) / rate : 0
    FileHandle.standardError.write(Data(String(format: "\r%d/%d scenarios  %.1f/s  ETA %.0f s   ", done, total, rate, eta).utf8))
  }

  func finish() { if enabled { FileHandle.standardError.write(Data("\n".utf8)) } }
}
