import Foundation
import Testing
@testable import NadsimModel

/// The `correlations` block: parsed into ``Model/correlations``, and every inconsistent entry refused
/// with the file, the line and the pair or parameter at fault.
@Suite("Parameter correlations")
struct ParameterCorrelationTests {
  /// Three parameters with variability (a, b, c) and one without (d).
  static let base = """
    nadsim_model: 1
    name: tiny
    units: {amount: µmol, volume: L, time: h}
    compartments:
      central: {volume: 2, unit: L}
    parameters:
      a: {value: 0.3, unit: 1/h, source: test, evidence: defined, variability: {distribution: lognormal, cv: 0.3}}
      b: {value: 0.2, unit: 1/h, source: test, evidence: defined, variability: {distribution: lognormal, cv: 0.2}}
      c: {value: 0.1, unit: 1/h, source: test, evidence: defined, variability: {distribution: normal, cv: 0.1}}
      d: {value: 0.1, unit: 1/h, source: test, evidence: defined}
    species:
      x: {compartment: central, unit: µM, initial: 1}
    reactions:
      elimination: {equation: "x ->", rate: "(a + b + c + d) * x"}
    correlations:

    """

  func load(_ correlations: String) throws -> Model {
    try ModelLoader.resolve(try ModelFile.parse(Self.base + correlations, file: "bad.yaml"))
  }

  func expectError(_ correlations: String, line: Int, name: String, containing words: [String]) {
    do {
      _ = try load(correlations)
      Issue.record("expected a model error")
    } catch let error as ModelError {
      #expect(error.location.file == "bad.yaml")
      #expect(error.location.line == line, "\(error)")
      #expect(error.name == name, "\(error)")
      for word in words { #expect(error.description.contains(word), "\(error)") }
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test("a correlations block is parsed into the model, note and all")
  func parses() throws {
    let model = try load("""
        - {between: [a, b], r: 0.4, source: "study X", note: "why"}
        - {between: [c, a], r: -0.25, source: "study Y"}

      """)
    #expect(model.correlations.count == 2)
    let first = model.correlations[0]
    #expect(first.first == "a" && first.second == "b" && first.coefficient == 0.4 && first.source == "study X")
    let second = model.correlations[1]
    #expect(second.first == "c" && second.second == "a" && second.coefficient == -0.25 && second.source == "study Y")
  }

  @Test("no block, or an empty one, means no correlations")
  func empty() throws {
    let without = Self.base.replacingOccurrences(of: "correlations:\n", with: "")
    #expect(try ModelLoader.resolve(try ModelFile.parse(without, file: "ok.yaml")).correlations.isEmpty)
    #expect(try load("  []\n").correlations.isEmpty)
  }

  /// Lines: the correlations block starts at line 16, so its first entry is on line 16.
  @Test("an unknown parameter is named, and a name of another kind says what it is")
  func unknownParameter() {
    expectError("  - {between: [a, zz], r: 0.4, source: s}\n", line: 16, name: "zz", containing: ["unknown parameter"])
    expectError("  - {between: [x, a], r: 0.4, source: s}\n", line: 16, name: "x", containing: ["unknown parameter", "species"])
  }

  @Test("a parameter without variability cannot be correlated")
  func withoutVariability() {
    expectError("  - {between: [a, d], r: 0.4, source: s}\n", line: 16, name: "d", containing: ["no 'variability'"])
  }

  @Test("the same pair twice (in either order) is refused at the second")
  func samePairTwice() {
    expectError("  - {between: [a, b], r: 0.4, source: s}\n  - {between: [b, a], r: 0.3, source: s}\n",
                line: 17, name: "b ~ a", containing: ["twice"])
  }

  @Test("a parameter correlated with itself is refused")
  func withItself() {
    expectError("  - {between: [a, a], r: 0.4, source: s}\n", line: 16, name: "a ~ a", containing: ["itself"])
  }

  @Test("|r| ≥ 1 and a coefficient that is not a number are refused")
  func badCoefficient() {
    expectError("  - {between: [a, b], r: 1, source: s}\n", line: 16, name: "a ~ b", containing: ["between -1 and 1"])
    expectError("  - {between: [a, b], r: -1.5, source: s}\n", line: 16, name: "a ~ b", containing: ["between -1 and 1"])
    expectError("  - {between: [a, b], r: strong, source: s}\n", line: 16, name: "a ~ b", containing: ["number", "strong"])
    expectError("  - {between: [a, b], r: .nan, source: s}\n", line: 16, name: "a ~ b", containing: ["number"])
  }

  @Test("coefficients that contradict each other (matrix not positive definite) are refused")
  func notPositiveDefinite() {
    // a~b and b~c strongly positive but a~c strongly negative: no such population exists.
    expectError("""
        - {between: [a, b], r: 0.9, source: s}
        - {between: [b, c], r: 0.9, source: s}
        - {between: [a, c], r: -0.9, source: s}

      """, line: 18, name: "a ~ c", containing: ["positive definite", "a, b, c"])
  }

  @Test("the whole matrix is checked, not each prefix: a~b, b~c alone would be inconsistent, a~c fixes it")
  func wholeMatrix() throws {
    let model = try load("""
        - {between: [a, b], r: 0.9, source: s}
        - {between: [b, c], r: 0.9, source: s}
        - {between: [a, c], r: 0.8, source: s}

      """)
    #expect(model.correlations.count == 3)
  }

  @Test("malformed entries are refused when the file is parsed")
  func shape() {
    for (entry, word) in [("  - {between: [a, b, c], r: 0.4, source: s}\n", "two parameter names"),
                          ("  - {between: [a, b], r: 0.4}\n", "source"),
                          ("  - {between: [a, b], rho: 0.4, source: s}\n", "unknown field")] {
      do {
        _ = try load(entry)
        Issue.record("accepted \(entry)")
      } catch let error as ModelError {
        #expect(error.location.line == 16, "\(error)")
        #expect(error.description.contains(word), "\(error)")
      } catch {
        Issue.record("unexpected \(error)")
      }
    }
  }

  @Test("Cholesky factors a positive definite matrix and names the failing pivot otherwise")
  func cholesky() throws {
    let a = [4.0, 2, 2, 3]
    let l = try ParameterCorrelation.cholesky(a, n: 2).get()
    #expect(abs(l[0] - 2) < 1e-15 && abs(l[2] - 1) < 1e-15 && abs(l[3] - 2.0.squareRoot()) < 1e-15 && l[1] == 0)
    if case .failure(let f) = ParameterCorrelation.cholesky([1, 1, 1, 1], n: 2) { #expect(f.pivot == 1) } else {
      Issue.record("a singular matrix was factored")
    }
  }

  @Test("SBML export ignores variability and correlations")
  func sbmlIgnoresThem() throws {
    let model = try load("  - {between: [a, b], r: 0.4, source: s}\n")
    let document = try SBMLWriter(model: model).document()
    #expect(document.contains("<sbml"))
    #expect(!document.contains("variability") && !document.contains("correlation"))
  }
}
