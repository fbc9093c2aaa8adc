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

  @OptionGroup var arguments: SweepArguments

  @Option(help: "Results folder (created if missing).")
  var out: String

  @Option(help: "Worker threads (default: all cores). Output does not depend on it.")
  var jobs: Int?

  @Flag(help: "Finish an interrupted run of the same command in --out.")
  var resume = false

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func run() throws {
    let started = BuildInfo.timestamp()
    let prepared = try arguments.prepare()
    let loaded = prepared.model, plan = prepared.plan, template = prepared.template
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
      solver: .init(method: plan.methodName, rtol: prepared.rtol, atol: prepared.atol,
                    heldAtZero: plan.usesEnsemble && !plan.heldSpecies.isEmpty
                      ? plan.heldSpecies.held.map { loaded.species[$0].name } : nil),
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
