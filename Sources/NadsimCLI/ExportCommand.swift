import ArgumentParser
import Foundation
import NadsimModel
import NadsimSweep

/// `nadsim export`: writes a model, or a sweep's results, in another tool's format.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a model, a sweep's inputs or a sweep's results in another tool's format.",
    subcommands: [ExportSBMLCommand.self, ExportNotebookCommand.self, ExportScenariosCommand.self])
}

/// `nadsim export sbml`: the model as SBML Level 3 Version 2 core.
struct ExportSBMLCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sbml",
    abstract: "Write a model file as SBML Level 3 Version 2 core (for COPASI, libRoadRunner, ...).",
    discussion: """
      Each species' dynamics is exported as a rate rule holding nadsim's right-hand side in the \
      model's working units, so that SBML simulators reproduce nadsim's trajectories; observables \
      become assignment rules, parameters and covariates keep their default values and units. \
      Species marked steady_state start at the untreated steady state that `nadsim simulate` \
      starts from. Doses are not exported as events; each species a route doses into gets an \
      infusion input, a parameter infusion_<species> (0; working unit per model time unit) added \
      to its rate rule, which a simulator sets during an infusion (`export scenarios` lists the \
      rates as infusion_rate changes).

      Example: nadsim export sbml --model Models/testset/hires.yaml --out hires.xml
      """)

  @Option(help: "Model file (YAML, see Models/README.md).")
  var model: String

  @Option(help: "Output SBML file (default: standard output).")
  var out: String?

  func run() throws {
    if let out { try AtomicFile.checkWritable(out, flag: "--out") }
    let loaded: Model
    do { loaded = try ModelLoader.load(path: model) } catch let error as ModelError { throw InputError(error.description) }
    let text: String
    do {
      text = try SBMLWriter(model: loaded).document(initialState: try Self.baseline(loaded))
    } catch let error as SBMLExportError {
      throw InputError("--model \(model): \(error.message)")
    } catch let error as ModelError {
      throw InputError(error.description)
    }
    if let out {
      try AtomicFile(path: out).write(text)
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }

  /// The untreated starting state when some species start at `steady_state` (nil otherwise): the
  /// baseline that ``Simulator`` computes before any dose, so that the export starts exactly where
  /// `nadsim simulate` starts. The simulator is run for a negligible time only to obtain it.
  static func baseline(_ model: Model) throws -> [Double]? {
    guard model.species.contains(where: { $0.initial == nil }) else { return nil }
    let simulator = Simulator(try CompiledModel(model))
    return try simulator.run(SimulationRequest(durationHours: 1e-9 * model.hoursPerTimeUnit)).baseline
  }
}

/// `nadsim export notebook`: a Jupyter notebook that draws a sweep's results.
struct ExportNotebookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notebook",
    abstract: "Write a Jupyter notebook (pandas, matplotlib) that draws a sweep's results.",
    discussion: """
      Reads the results folder of `nadsim sweep` (manifest.json, summary.csv and, when present, \
      quantiles.csv and trajectories.csv) and writes a notebook with the figures the results \
      support: dose-response when a dose is an axis, time courses when trajectories were written, \
      NAD+ against age when age is an axis (with population medians and 5-95 % bands when the \
      sweep had virtual people), and a table of failed scenarios. The notebook finds the results \
      by a path relative to its own folder, so keep the two together. The same results always give \
      the same file.

      Example: nadsim export notebook --from results/nr-doses --out notebooks-export/nr-doses.ipynb
      """)

  @Option(name: .customLong("from"), help: ArgumentHelp("Results folder written by `nadsim sweep`.", valueName: "folder"))
  var results: String

  @Option(help: ArgumentHelp("Notebook file to write (.ipynb); its folder must exist.", valueName: "file"))
  var out: String

  @Option(help: ArgumentHelp("Title of the notebook (default: \"Sweep results: MODEL\").", valueName: "text"))
  var title: String?

  func run() throws {
    try AtomicFile.checkWritable(out, flag: "--out")
    let folder: FinishedResults
    do { folder = try FinishedResults(path: results) } catch { throw InputError("--from \(results): \(error.message)") }
    for name in folder.missing {
      FileHandle.standardError.write(Data("warning: --from \(results): \(name) is listed in manifest.json but missing; its figures are left out\n".utf8))
    }
    let notebookFolder = URL(fileURLWithPath: out).deletingLastPathComponent().path
    let dataPath = RelativePath.from(notebookFolder, to: results)
    let notebook = NotebookGenerator(folder: folder, dataPath: dataPath, title: title).notebook()
    try AtomicFile(path: out).write(notebook.fileText())
  }
}
