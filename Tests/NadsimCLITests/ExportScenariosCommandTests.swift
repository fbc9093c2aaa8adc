import Foundation
import NadsimModel
import Testing

/// `nadsim export scenarios` as another tool's driver uses it: the constants of each row, the
/// untreated starting state and every dose change, and exit code 2 for bad input.
@Suite("nadsim export scenarios")
struct ExportScenariosCommandTests {
  static let modelPath = SimulateCommandTests.repository.appendingPathComponent("Models/nad-human.yaml").path

  /// Rows of a CSV without quoted fields (what the exporter writes for these inputs), header first.
  static func rows(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  }

  @Test("oral NR 500 mg/day twice daily for 28 days: 56 additions of 250 mg into nr_gut, after the route's lag; constants as ScenarioConstants computes them")
  func twiceDailyNR() throws {
    let out = CommandLineTests.temporaryFolder().appendingPathComponent("inputs").path
    let run = try CommandLineTests.run([
      "export", "scenarios", "--model", Self.modelPath, "--fixed", "route=oral", "--fixed", "substance=NR",
      "--fixed", "daily_dose=500mg", "--fixed", "schedule=twice daily", "--fixed", "age=60", "--until", "28d", "--every", "6h",
      "--out", out,
    ])
    #expect(run.status == 0, "\(run.stderr)")

    // The amount per administration from the model file: 250 mg / molecular weight × bioavailability.
    let model = try ModelLoader.load(path: Self.modelPath)
    let oral = try #require(model.route("oral"))
    let nr = try #require(oral.substances.first { $0.name == "NR" })
    let bioavailability = try #require(oral.bioavailability.value { _ in nil })
    let expected = 250.0 * 1000 / nr.molecularWeight * bioavailability  // µmol (nr_gut is an amount species in µmol)

    let doses = try Self.rows(out + "/doses.csv")
    #expect(doses.first == ["scenario_id", "person", "time_h", "time", "species", "kind", "value", "unit"])
    let changes = Array(doses.dropFirst())
    #expect(changes.count == 56)
    for (k, row) in changes.enumerated() {
      #expect(row[1] == "0")
      #expect(row[4] == "nr_gut")
      #expect(row[5] == "add")
      #expect(row[7] == "µmol")
      let time = try #require(Double(row[2]))
      #expect(abs(time - (oral.lagHours + 12 * Double(k))) <= 1e-9, "dose \(k) at \(time) h")
      let value = try #require(Double(row[6]))
      #expect(abs(value - expected) <= 1e-12 * expected, "dose \(k): \(value) µmol, expected \(expected)")
    }

    let scenarios = try Self.rows(out + "/scenarios.csv")
    #expect(scenarios.count == 2)
    let header = scenarios[0], values = scenarios[1]
    #expect(header.count == values.count)
    let constants = try ScenarioConstants(model: model, covariates: ["age": 60])
    #expect(Array(header[2..<(2 + model.constantNames.count)]) == model.constantNames)
    for (k, name) in model.constantNames.enumerated() {
      #expect(values[2 + k] == "\(constants.values[k])", "\(name)")
    }
    // The starting state: every species, finite, the steady state the simulator starts from.
    let baselineColumns = header.indices.filter { header[$0].hasPrefix("baseline:") }
    #expect(baselineColumns.map { String(header[$0].dropFirst("baseline:".count)) } == model.species.map(\.name))
    var request = SimulationRequest(durationHours: 1e-9)
    request.covariates = ["age": 60]
    let baseline = try Simulator(try CompiledModel(model)).run(request).baseline
    for (k, column) in baselineColumns.enumerated() {
      #expect(values[column] == "\(baseline[k])", "\(header[column])")
    }
  }

  @Test("an unknown axis exits with code 2, names it, and writes nothing")
  func unknownAxis() throws {
    let out = CommandLineTests.temporaryFolder().appendingPathComponent("inputs").path
    let run = try CommandLineTests.run(["export", "scenarios", "--model", Self.modelPath, "--axis", "bogus=1,2", "--until", "1d", "--out", out])
    #expect(run.status == 2)
    #expect(run.stderr.contains("bogus"))
    #expect(!FileManager.default.fileExists(atPath: out + "/doses.csv"))
  }

  @Test("--out naming a file exits with code 2 and names the flag")
  func outIsAFile() throws {
    let file = CommandLineTests.temporaryFolder().appendingPathComponent("file.txt")
    try "x".write(to: file, atomically: true, encoding: .utf8)
    let run = try CommandLineTests.run(["export", "scenarios", "--model", Self.modelPath, "--until", "1d", "--out", file.path])
    #expect(run.status == 2)
    #expect(run.stderr.contains("--out"))
  }
}
