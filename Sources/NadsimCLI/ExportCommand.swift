import ArgumentParser
import Foundation
import NadsimModel

/// `nadsim export`: writes a model in another tool's format.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a model in another tool's format.",
    subcommands: [ExportSBMLCommand.self])
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
      starts from. Doses and routes are not exported.

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
