import ArgumentParser
import Foundation
import NadsimSweep
import NadsimModel

/// `nadsim validate`: runs a model's validation targets and reports them as a table and as CSV.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check a model against its validation targets (target, source, expected, simulated, pass/fail).",
    discussion: """
      The targets live beside the model, in MODEL.validation.yaml (see Models/README.md). Exit code \
      0 when every target passes, 1 when any fails, 2 for bad input.

      Example: nadsim validate --model Models/nad-human.yaml --out validation.csv
      """)

  @Option(help: "Model file.")
  var model: String = "Models/nad-human.yaml"

  @Option(help: "Validation file (default: the model's path with .validation.yaml).")
  var suite: String?

  @Option(help: "CSV output file.")
  var out: String = "validation.csv"

  func run() throws {
    let suitePath = suite ?? (model.hasSuffix(".yaml") ? String(model.dropLast(5)) + ".validation.yaml" : model + ".validation.yaml")
    try AtomicFile.checkWritable(out, flag: "--out")
    let outcomes: [ValidationRunner.Outcome]
    do {
      let loaded = try ModelLoader.load(path: model)
      let suite = try ValidationSuite.load(path: suitePath)
      outcomes = try ValidationRunner(Simulator(try CompiledModel(loaded))).run(suite)
    } catch let error as ModelError {
      throw InputError(error.description)
    }
    var csv = CSV.row(["id", "claim", "source", "expected_low", "expected_high", "simulated", "result", "tolerance"])
    var table = ""
    for o in outcomes {
      let t = o.target
      csv += CSV.row([t.id, t.claim, t.source, CSV.number(t.expected.lowerBound), CSV.number(t.expected.upperBound),
                      CSV.number(o.simulated), o.passed ? "pass" : "FAIL", t.tolerance])
      table += String(format: "%-4@ %-34@ expected [%.4g, %.4g]  simulated %.4g\n      %@\n      source: %@\n",
                      (o.passed ? "pass" : "FAIL") as NSString, t.id as NSString, t.expected.lowerBound,
                      t.expected.upperBound, o.simulated, t.claim as NSString, t.source as NSString)
    }
    try AtomicFile(path: out).write(csv)
    let failed = outcomes.filter { !$0.passed }.count
    table += "\(outcomes.count - failed) passed, \(failed) failed; wrote \(out)\n"
    FileHandle.standardOutput.write(Data(table.utf8))
    if failed > 0 { throw ExitCode(1) }
  }
}
