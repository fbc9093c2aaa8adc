import Foundation
import Testing
@testable import NadsimModel

/// Every kind of bad model file is refused with the file, the line and the offending name.
@Suite("Model file errors")
struct ModelErrorCaseTests {
  static let valid = """
    nadsim_model: 1
    name: tiny
    units: {amount: µmol, volume: L, time: h}
    compartments:
      central: {volume: 2, unit: L}
    parameters:
      ke: {value: 0.3, unit: 1/h, source: test, evidence: assumed, note: test value}
    species:
      c: {compartment: central, unit: µM, initial: 1}
    reactions:
      elimination: {equation: "c ->", rate: "ke * c"}
    """

  func load(_ text: String) throws -> Model {
    try ModelLoader.resolve(try ModelFile.parse(text, file: "bad.yaml"))
  }

  func expectError(_ text: String, line: Int, name: String?, containing words: [String]) {
    do {
      _ = try load(text)
      Issue.record("expected a model error")
    } catch let error as ModelError {
      #expect(error.location.file == "bad.yaml")
      #expect(error.location.line == line, "\(error)")
      if let name { #expect(error.name == name, "\(error)") }
      for word in words { #expect(error.description.contains(word), "\(error)") }
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test("the valid base model loads")
  func validLoads() throws { #expect(try load(Self.valid).species.count == 1) }

  /// libyaml reports the line where it finds the unclosed flow sequence: the one after "[oops".
  @Test("malformed YAML names the line")
  func malformed() {
    expectError(Self.valid.replacingOccurrences(of: "species:\n", with: "species:\n  [oops\n"), line: 10,
                name: nil, containing: ["YAML"])
  }

  @Test("an unknown name in an expression is named")
  func unknownName() {
    expectError(Self.valid.replacingOccurrences(of: "\"ke * c\"", with: "\"kel * c\""), line: 11,
                name: "elimination", containing: ["kel"])
  }

  @Test("a unit mismatch names the reaction and both units")
  func unitMismatch() {
    // ke in 1/h times c in µM is µM/h; a rate in mg/h does not fit a µmol-based species.
    let text = Self.valid.replacingOccurrences(of: "unit: 1/h, source", with: "unit: mg/h/µM, source")
    expectError(text, line: 11, name: "elimination", containing: ["mg", "µmol/L", "mass/time"])
  }

  @Test("a circular chain of assignments is named")
  func circular() {
    let text = Self.valid + "\nassignments:\n  a: {expression: \"b * 2\", unit: 1/h}\n  b: {expression: \"a + ke\", unit: 1/h}\n"
    expectError(text, line: 13, name: "a", containing: ["circular", "a → b → a"])
  }

  @Test("a negative volume is refused")
  func negativeVolume() {
    expectError(Self.valid.replacingOccurrences(of: "volume: 2", with: "volume: -2"), line: 5,
                name: "central", containing: ["volume", "positive"])
  }

  @Test("duplicate names and unknown fields are refused")
  func duplicatesAndTypos() {
    let duplicate = Self.valid.replacingOccurrences(of: "  ke: {", with: "  c: {")
    expectError(duplicate, line: 9, name: "c", containing: ["already declared"])
    let typo = Self.valid.replacingOccurrences(of: "{value: 0.3", with: "{valeu: 0.3")
    expectError(typo, line: 7, name: "parameters.ke.valeu", containing: ["unknown field 'valeu'"])
  }

  @Test("an assumed parameter without a note is refused")
  func assumedNeedsNote() {
    expectError(Self.valid.replacingOccurrences(of: ", note: test value", with: ""), line: 7, name: "ke",
                containing: ["note"])
  }

  @Test("a dose into a route the model lacks is refused, naming the route")
  func missingRoute() throws {
    let model = try load(Self.valid)
    let compiled = try CompiledModel(model, preferNative: false)
    var request = SimulationRequest(durationHours: 2)
    request.regimen = try DoseFlag.regimen(["oral:DRUG:10mg"], flag: "--dose")
    #expect(throws: ModelError.self) { try Simulator(compiled).run(request) }
    do { _ = try Simulator(compiled).run(request) } catch let error as ModelError {
      #expect(error.name == "oral")
      #expect(error.description.contains("no route"))
    }
  }
}
