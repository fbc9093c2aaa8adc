import ArgumentParser
import Foundation
import NadsimSweep
import NadsimModel
import NadsimODE

/// `nadsim simulate`: one model, one virtual person, one regimen; tidy CSV of the observables.
struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Simulate a model file for one scenario and write tidy CSV (time_h, observable, value, unit).",
    discussion: """
      Durations take units (14d, 6h, 30min); a plain number is in the model's time unit. Doses use \
      ROUTE:SUBSTANCE:AMOUNT[@TIME][xCOUNT/INTERVAL][,KEY=VALUE...], e.g. oral:NMN:500mg@8hx56/12h.

      Example: nadsim simulate --model Models/nad-human.yaml --covariate age=55 \
      --dose oral:NMN:500mg@0x56/12h --until 28d --every 1h --out nmn.csv
      """)

  @Option(help: "Model file (YAML, see Models/README.md).")
  var model: String

  @Option(name: .customLong("param"), help: "Parameter override NAME=VALUE, in the model's unit for it (repeatable).")
  var parameters: [String] = []

  @Option(name: .customLong("covariate"), help: "Covariate NAME=VALUE (repeatable).")
  var covariates: [String] = []

  @Option(name: .customLong("parameter-set"), help: "A parameter-set file of overrides (see Models/README.md).")
  var parameterSet: String?

  @Option(help: "Regimen file (YAML).")
  var regimen: String?

  @Option(name: .customLong("event-table"), help: "NONMEM-style event table (CSV: ID, TIME, EVID, AMT, CMT, RATE, II, ADDL).")
  var eventTable: String?

  @Option(help: "Subject ID to take from --event-table (default: the only one).")
  var subject: String?

  @Option(help: "A dose (repeatable); see the discussion above.")
  var dose: [String] = []

  @Option(help: "Length of the run (e.g. 14d, 6h).")
  var until: String

  @Option(help: "Output grid step (e.g. 1h); default: every solver step.")
  var every: String?

  @Flag(name: .customLong("all-species"), help: "Also write every species.")
  var allSpecies = false

  @Option(help: "Integration method.")
  var method: String = Method.auto.rawValue

  @Option(help: "Relative tolerance.")
  var rtol: String = "1e-6"

  @Option(help: "Absolute tolerance, in working units.")
  var atol: String = "1e-9"

  @Option(help: "Output CSV file (default: standard output).")
  var out: String?

  func run() throws {
    let loaded: Model
    do { loaded = try ModelLoader.load(path: model) } catch let error as ModelError { throw InputError(error.description) }
    let method = try ListParsing.method(self.method, flag: "--method")
    let rtol = try ListParsing.tolerances(self.rtol, flag: "--rtol")
    let atolValues = try ListParsing.doubles(self.atol, flag: "--atol")
    guard rtol.count == 1, atolValues.count == 1, atolValues[0] >= 0 else {
      throw InputError("--rtol and --atol take one value each (atol ≥ 0)")
    }
    let hoursPerUnit = loaded.hoursPerTimeUnit
    var request = SimulationRequest(durationHours: try Self.duration(until, flag: "--until", hoursPerUnit: hoursPerUnit))
    if let every { request.everyHours = try Self.duration(every, flag: "--every", hoursPerUnit: hoursPerUnit) }
    request.method = method
    request.tolerances = Tolerances(relative: rtol[0], absolute: atolValues[0])
    request.covariates = try Self.assignments(covariates, flag: "--covariate")
    request.parameters = try Self.assignments(parameters, flag: "--param")
    var label: String? = nil
    do {
      if let parameterSet {
        let set = try ParameterSet.load(path: parameterSet, for: loaded)
        label = set.label
        request.parameters = set.values.merging(request.parameters) { _, explicit in explicit }
      }
      let sources = [regimen != nil, eventTable != nil, !dose.isEmpty].filter { $0 }.count
      guard sources <= 1 else { throw InputError("give doses with one of --regimen, --event-table or --dose, not several") }
      if let regimen { request.regimen = try RegimenFile.load(path: regimen) }
      if let eventTable {
        let table = try EventTable.load(path: eventTable)
        if let subject {
          guard let r = table.regimen(forID: subject) else {
            throw InputError("--subject \(subject): not in \(eventTable) (IDs: \(table.subjects.map(\.id).joined(separator: ", ")))")
          }
          request.regimen = r
        } else {
          guard table.subjects.count == 1 else {
            throw InputError("--event-table \(eventTable) has \(table.subjects.count) subjects; choose one with --subject")
          }
          request.regimen = table.subjects[0].regimen
        }
      } else if subject != nil {
        throw InputError("--subject needs --event-table")
      }
      if !dose.isEmpty { request.regimen = try DoseFlag.regimen(dose, flag: "--dose") }
    } catch let error as ModelError {
      throw InputError(error.description)
    }

    let writer = try out.map { try StreamingCSVFile(path: $0, flag: "--out") }
    let compiled: CompiledModel
    let trajectory: Trajectory
    do {
      compiled = try CompiledModel(loaded)
      trajectory = try Simulator(compiled).run(request)
    } catch let error as ModelError {
      throw InputError(error.description)
    }
    if let label { FileHandle.standardError.write(Data("parameter set: \(label)\n".utf8)) }
    guard trajectory.returnCode.isSuccess else {
      FileHandle.standardError.write(Data("simulation failed: \(trajectory.returnCode)\n".utf8))
      throw ExitCode(1)
    }

    var rows = ""
    func emit(_ fields: [String]) throws {
      if let writer { try writer.write(fields) } else { rows += CSV.row(fields) }
    }
    try emit(["time_h", "observable", "value", "unit"])
    let n = loaded.species.count, m = loaded.observables.count
    for (index, time) in trajectory.timesHours.enumerated() {
      let t = CSV.number(time)
      for (k, o) in loaded.observables.enumerated() {
        try emit([t, o.name, CSV.number(trajectory.observables[index * m + k]), o.unit.description])
      }
      if allSpecies {
        for (i, s) in loaded.species.enumerated() {
          try emit([t, s.name, CSV.number(trajectory.states[index * n + i]), s.unit.description])
        }
      }
    }
    if let writer { try writer.finish() } else { FileHandle.standardOutput.write(Data(rows.utf8)) }
    let evaluator = compiled.isNative ? "native" : "interpreter (\(compiled.fallbackReason ?? "forced"))"
    FileHandle.standardError.write(Data(
      "\(loaded.name): \(trajectory.returnCode); evaluator \(evaluator)\n\(StatisticsTable.text(trajectory.statistics))".utf8))
  }

  /// Hours from text with a unit, or from a plain number in the model's time unit.
  static func duration(_ text: String, flag: String, hoursPerUnit: Double) throws -> Double {
    if let plain = Double(text.trimmingCharacters(in: .whitespaces)) {
      guard plain > 0, plain.isFinite else { throw InputError("\(flag): \(text) must be positive") }
      return plain * hoursPerUnit
    }
    do {
      let hours = try DoseQuantity.hours(parsing: text)
      guard hours > 0 else { throw InputError("\(flag): \(text) must be positive") }
      return hours
    } catch let error as DoseQuantityError {
      throw InputError("\(flag): \(error.message)")
    }
  }

  /// NAME=VALUE pairs.
  static func assignments(_ items: [String], flag: String) throws -> [String: Double] {
    var result: [String: Double] = [:]
    for item in items {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
        throw InputError("\(flag) \(item): expected NAME=VALUE with a finite number")
      }
      guard result[parts[0]] == nil else { throw InputError("\(flag) \(parts[0]) is given twice") }
      result[parts[0]] = value
    }
    return result
  }
}
