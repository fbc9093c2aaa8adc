import ArgumentParser
import Foundation
import NadsimModel
import NadsimSweep

/// `nadsim export scenarios`: the exact inputs of every row of a sweep (constants, untreated
/// starting state, dose changes), for running the same scenarios in another tool on the model's
/// SBML export.
struct ExportScenariosCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scenarios",
    abstract: "Write a sweep's scenarios as constants, starting states and dose changes (CSV), for other tools.",
    discussion: """
      Takes the same sweep arguments as `nadsim sweep` and writes, without running the sweep:

      scenarios.csv: one line per row (scenario_id, person, as in summary.csv): the value of every \
      model constant (covariates, parameters, constant assignments, compartment volumes; the ids of \
      `nadsim export sbml`) as the run uses it, then `baseline:SPECIES`, the untreated starting \
      state the run begins from (the solved steady state for steady_state species), in working units.

      doses.csv: every change the run's doses make to the state: scenario_id, person, time_h, time \
      (model time units), species, kind, value, unit. kind `add`: value is added to the species \
      (a bolus after bioavailability, in the species' working unit: a concentration for \
      concentration species); `infusion_rate`: value is added to the species' input rate (working \
      unit per model time unit; positive at an infusion's start, negative at its end); `remove`: \
      the species is set to 0. Changes at time 0 act on the starting state; the others at exact \
      times inside the run, after the trajectory reached them. Changes at the end of the run are \
      left out (they do not affect the run).

      Example: nadsim export scenarios --model Models/nad-human.yaml --fixed route=oral \
      --axis substance=NR --axis daily_dose=500mg --axis "schedule=twice daily" --until 28d \
      --every 6h --out results/nr-inputs
      """)

  @OptionGroup var arguments: SweepArguments

  @Option(help: ArgumentHelp("Folder for scenarios.csv and doses.csv (created if missing).", valueName: "folder"))
  var out: String

  static let scenariosName = "scenarios.csv"
  static let dosesName = "doses.csv"

  func run() throws {
    let prepared = try arguments.prepare()
    let model = prepared.model, plan = prepared.plan
    try Self.makeFolder(out)

    let simulator: Simulator
    do { simulator = Simulator(try CompiledModel(model)) } catch let error as ModelError { throw InputError(error.description) }
    let hoursPerUnit = model.hoursPerTimeUnit
    var scenarios = CSV.row(["scenario_id", "person"] + model.constantNames + model.species.map { "baseline:\($0.name)" })
    var doses = CSV.row(["scenario_id", "person", "time_h", "time", "species", "kind", "value", "unit"])
    let timeUnit = model.unitSystem.map { "\($0.time)" } ?? "1"
    var failed: [String] = []
    for scenario in plan.scenarioRange {
      let id = plan.scenarioID(plan.values(ofScenario: scenario))
      for person in 0..<plan.rowsPerScenario {
        do {
          let request = try plan.request(scenario: scenario, person: person)
          let described = try ScenarioDoses(model: model, request: request)
          // The untreated starting state, solved by the simulator exactly as a run solves it.
          var untreated = SimulationRequest(durationHours: 1e-9 * hoursPerUnit)
          untreated.covariates = request.covariates
          untreated.parameters = described.parameters
          let baseline = try simulator.run(untreated).baseline
          scenarios += CSV.row([id, "\(person)"] + described.constants.values.map(CSV.number) + baseline.map(CSV.number))
          for change in described.changes {
            let species = model.species[change.species]
            let unit = change.kind == .infusionRate ? "\(species.unit)/\(timeUnit)" : "\(species.unit)"
            doses += CSV.row([id, "\(person)", CSV.number(change.timeHours), CSV.number(change.timeHours / hoursPerUnit),
                              species.name, change.kind.rawValue, CSV.number(change.value), unit])
          }
        } catch {
          failed.append("scenario \(id) person \(person): \(error)")
        }
      }
    }
    guard failed.isEmpty else {
      throw InputError("\(failed.count) row(s) cannot be described, nothing written; first: \(failed[0])")
    }
    try AtomicFile(path: (out as NSString).appendingPathComponent(Self.scenariosName)).write(scenarios)
    try AtomicFile(path: (out as NSString).appendingPathComponent(Self.dosesName)).write(doses)
  }

  static func makeFolder(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw InputError("--out \(path) is a file; expected a folder") }
    } else {
      do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
        throw InputError("--out \(path): cannot create the folder (\(error.localizedDescription))")
      }
    }
    guard FileManager.default.isWritableFile(atPath: path) else { throw InputError("--out \(path): the folder is not writable") }
  }
}
