import Foundation
import Testing

/// `nadsim export sbml` run as a user would: the file it writes, the steady-state baseline it
/// starts from, and exit code 2 with a message for bad input.
@Suite("nadsim export sbml")
struct ExportCommandTests {
  static let modelsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models")

  @Test("export sbml writes an SBML Level 3 Version 2 document with one rate rule per species")
  func writesDocument() throws {
    let out = CommandLineTests.temporaryFolder().appendingPathComponent("rober.xml").path
    let run = try CommandLineTests.run(["export", "sbml", "--model",
                                        Self.modelsFolder.appendingPathComponent("testset/rober.yaml").path, "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sbml xmlns=\"http://www.sbml.org/sbml/level3/version2/core\" level=\"3\" version=\"2\">"))
    #expect(text.components(separatedBy: "<rateRule ").count - 1 == 3)
    #expect(text.components(separatedBy: "<assignmentRule ").count - 1 == 1)
  }

  @Test("a steady_state species starts at the untreated steady state (synthesis / degradation = 3 / 0.5 = 6 µM)")
  func steadyStateBaseline() throws {
    let folder = CommandLineTests.temporaryFolder()
    let model = folder.appendingPathComponent("turnover.yaml")
    try """
      nadsim_model: 1
      name: turnover
      description: zero-order synthesis, first-order loss
      units: {amount: µmol, volume: L, time: h}
      compartments:
        cell: {volume: 2, unit: L}
      parameters:
        ksyn: {value: 3, unit: µmol/L/h, source: test, evidence: defined}
        kdeg: {value: 0.5, unit: 1/h, source: test, evidence: defined}
      species:
        x: {compartment: cell, unit: µM, initial: steady_state}
      reactions:
        synthesis: {equation: "-> x", rate: "ksyn"}
        loss: {equation: "x ->", rate: "kdeg * x"}
      """.write(to: model, atomically: true, encoding: .utf8)
    let run = try CommandLineTests.run(["export", "sbml", "--model", model.path])
    #expect(run.status == 0, "\(run.stderr)")
    let start = try #require(run.stdout.range(of: "initialConcentration=\""))
    let text = run.stdout[start.upperBound...].prefix { $0 != "\"" }
    let value = try #require(Double(String(text)))
    #expect(abs(value - 6) <= 1e-9 * 6)
  }

  @Test("a missing model file exits with code 2 and names the file; no output is written")
  func missingModel() throws {
    let folder = CommandLineTests.temporaryFolder()
    let out = folder.appendingPathComponent("none.xml").path
    let run = try CommandLineTests.run(["export", "sbml", "--model", folder.appendingPathComponent("nope.yaml").path,
                                        "--out", out])
    #expect(run.status == 2)
    #expect(run.stderr.contains("nope.yaml"))
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("an --out path in a folder that does not exist exits with code 2 and names the flag")
  func badOutPath() throws {
    let run = try CommandLineTests.run(["export", "sbml", "--model",
                                        Self.modelsFolder.appendingPathComponent("testset/hires.yaml").path,
                                        "--out", "/nonexistent-folder/hires.xml"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("--out"))
  }
}
