import Foundation
import Testing

/// `nadsim simulate` as a user runs it.
@Suite("nadsim simulate")
struct SimulateCommandTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static let model = """
    nadsim_model: 1
    name: one-compartment
    units: {amount: µmol, volume: L, time: h}
    compartments:
      central: {volume: 42, unit: L}
    parameters:
      ke: {value: 0.25, unit: 1/h, source: test, evidence: defined}
    species:
      c: {compartment: central, unit: µM, initial: 0}
    reactions:
      elimination: {equation: "c ->", rate: "ke * c"}
    observables:
      concentration: {expression: "c", unit: µM}
    routes:
      iv:
        max_single_dose: 1000 mg
        substances:
          DRUG: {species: c, molecular_weight: 200}
    """

  static func writeModel(_ text: String = model) throws -> (folder: URL, path: String) {
    let folder = CommandLineTests.temporaryFolder()
    let path = folder.appendingPathComponent("model.yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return (folder, path)
  }

  @Test("writes tidy CSV: time_h, observable, value, unit; a bolus of 84 mg gives 420 µmol / 42 L = 10 µM")
  func tidyOutput() throws {
    let (folder, path) = try Self.writeModel()
    let out = folder.appendingPathComponent("out.csv").path
    let run = try CommandLineTests.run(["simulate", "--model", path, "--dose", "iv:DRUG:84mg@0",
                                        "--until", "4h", "--every", "1h", "--all-species", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(lines[0] == "time_h,observable,value,unit")
    #expect(lines.count == 1 + 5 * 2)
    #expect(lines[1] == "0.0,concentration,10.0,µM")
    // C(t) = 10·e^(−0.25 t): at 4 h, 3.6787944... µM.
    let last = lines.last { $0.hasPrefix("4.0,concentration,") }!
    let value = Double(last.split(separator: ",")[2])!
    #expect(abs(value - 10 * exp(-1.0)) < 1e-5)
  }

  @Test("bad input exits with code 2 and names the place", arguments: [
    (["--dose", "oral:DRUG:10mg"], "oral"),
    (["--dose", "iv:DRUG:5000mg"], "max_single_dose"),
    (["--dose", "iv:WATER:10mg"], "WATER"),
    (["--param", "kel=1"], "kel"),
    (["--covariate", "age=-3"], "age"),
    (["--until", "-2h"], "--until"),
    (["--dose", "iv:DRUG:10parsecs"], "parsecs"),
  ])
  func badInput(extra: [String], name: String) throws {
    let (_, path) = try Self.writeModel()
    var arguments = ["simulate", "--model", path, "--until", "1h"]
    arguments += extra
    let run = try CommandLineTests.run(arguments)
    #expect(run.status == 2, "\(arguments): \(run.stderr)")
    #expect(run.stderr.contains(name), "\(arguments): \(run.stderr)")
  }

  @Test("a broken model file is refused with its path and line")
  func brokenModel() throws {
    let (_, path) = try Self.writeModel(Self.model.replacingOccurrences(of: "\"ke * c\"", with: "\"ke * cc\""))
    let run = try CommandLineTests.run(["simulate", "--model", path, "--until", "1h"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("model.yaml:11:"), "\(run.stderr)")
    #expect(run.stderr.contains("cc"))
  }

  @Test("the test-set model files run from the command line")
  func testSetFile() throws {
    let run = try CommandLineTests.run(["simulate", "--model", Self.repository.appendingPathComponent("Models/testset/hires.yaml").path,
                                        "--until", "321.8122", "--every", "321.8122", "--all-species", "--method", "rodas5p",
                                        "--rtol", "1e-10", "--atol", "1e-14"])
    #expect(run.status == 0, "\(run.stderr)")
    // Final y1 against the Bari reference 7.3713125733256685e-04 (hires.f solut).
    let row = run.stdout.split(separator: "\n").first { $0.contains(",y1,") && !$0.hasPrefix("0.0,") }
    let value = Double(row!.split(separator: ",")[2])!
    #expect(abs(value - 7.3713125733256685e-04) < 1e-9 * 7.37e-4 * 100)
  }
}

/// The human model's bad inputs (issue 4): each names the field and what is allowed, exit code 2.
@Suite("nadsim simulate: human model bad input")
struct HumanModelBadInputTests {
  static let model = SimulateCommandTests.repository.appendingPathComponent("Models/nad-human.yaml").path

  @Test("refused with code 2, naming the field", arguments: [
    (["--covariate", "age=-1"], ["age", "[0.0, 120.0]"]),
    (["--covariate", "age=121"], ["age", "[0.0, 120.0]"]),
    (["--dose", "oral:NMN:7000mg@0"], ["max_single_dose", "6000"]),
    (["--dose", "oral:caffeine:100mg@0"], ["caffeine", "NMN"]),
    (["--dose", "nasal:NMN:100mg@0"], ["nasal", "topical"]),
    (["--dose", "topical:NMN:800mg@0,concentration_ppm=4000,applied_mg_per_cm2=2,contact_h=12"], ["area_cm2"]),
    (["--dose", "topical:NMN:800mg@0,applied_mg_per_cm2=2,area_cm2=400,contact_h=12"], ["concentration_ppm"]),
  ])
  func refused(extra: [String], words: [String]) throws {
    let run = try CommandLineTests.run(["simulate", "--model", Self.model, "--until", "2h"] + extra)
    #expect(run.status == 2, "\(extra): \(run.stderr)")
    for word in words { #expect(run.stderr.contains(word), "\(extra): \(run.stderr)") }
  }
}
