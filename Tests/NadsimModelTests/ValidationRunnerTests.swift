import Foundation
import Testing
@testable import NadsimModel

/// The validation machinery on the one-compartment model of DosingSimulationTests, with targets
/// whose answers are known in closed form.
@Suite("Validation runner")
struct ValidationRunnerTests {
  /// For an oral bolus at 1 h with lag 0.5 h, the Bateman function peaks
  /// ln(ka/ke)/(ka − ke) after absorption starts: ln(1.2/0.25)/0.95 = 1.6512 h, so at 3.1512 h.
  static let suite = """
    nadsim_validation: 1
    model: one-compartment
    scenarios:
      oral: {doses: ["oral:DRUG:100mg@1h"], until: 24h, every: 0.005h}
      heavier: {doses: ["oral:DRUG:100mg@1h"], until: 24h, every: 0.005h, covariates: {body_weight: 140}}
    targets:
      - id: tmax
        claim: the peak comes ln(ka/ke)/(ka−ke) after the lagged dose
        source: Bateman function (closed form)
        quantity: {observable: concentration, scenario: oral, statistic: tmax}
        expected: [3.145, 3.16]
        tolerance: the 0.005 h output grid
      - id: volume-scaling
        claim: twice the body weight halves the peak
        source: C ∝ 1/V
        ratio: [{observable: concentration, scenario: heavier, statistic: max}, {observable: concentration, scenario: oral, statistic: max}]
        expected: [0.4999, 0.5001]
        tolerance: solver tolerance
      - id: balance
        claim: every absorbed µmol is in the gut, the body or eliminated
        source: conservation
        mass_balance: {scenario: oral, observable: total}
        expected: [0, 1e-7]
        tolerance: rtol 1e-8 over 24 h
      - id: nonnegative
        claim: no negative amounts
        source: physics
        nonnegative: {scenario: oral}
        expected: [-1e-12, 1e9]
        tolerance: roundoff
      - id: deliberately-wrong
        claim: the peak is at 10 h (false, to show a failure is reported)
        source: none
        quantity: {observable: concentration, scenario: oral, statistic: tmax}
        expected: [9.9, 10.1]
        tolerance: none
    """

  @Test("closed-form targets pass and a false claim fails")
  func runsTargets() throws {
    let file = try ModelFile.parse(DosingSimulationTests.model, file: "one-compartment.yaml")
    let model = try ModelLoader.resolve(file)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nadsim-validation-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("suite.yaml").path
    try Self.suite.write(toFile: path, atomically: true, encoding: .utf8)
    let outcomes = try ValidationRunner(Simulator(try CompiledModel(model))).run(try ValidationSuite.load(path: path))
    let byID = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.target.id, $0) })
    for id in ["tmax", "volume-scaling", "balance", "nonnegative"] {
      #expect(byID[id]!.passed, "\(id): simulated \(byID[id]!.simulated)")
    }
    #expect(!byID["deliberately-wrong"]!.passed)
  }

  /// The one-compartment model with its elimination flux as observables, in the working unit and
  /// in another one (nmol/min), for `dose_fraction`.
  static let rateModel = DosingSimulationTests.model.replacingOccurrences(
    of: "  total: {expression: \"gut + c * central + eliminated\", unit: µmol}\n",
    with: "  total: {expression: \"gut + c * central + eliminated\", unit: µmol}\n"
      + "  elimination_rate: {expression: \"ke * c * central\", unit: µmol/h}\n"
      + "  elimination_rate_nmol_min: {expression: \"ke * c * central\", unit: nmol/min}\n")

  static func run(_ targets: String, scenarios: String = "  iv: {doses: [\"iv:DRUG:100mg@0\"], until: 24h, every: 0.005h}\n  untreated: {until: 24h, every: 1h}\n") throws -> [ValidationRunner.Outcome] {
    #expect(rateModel.contains("elimination_rate_nmol_min"))
    let model = try ModelLoader.resolve(try ModelFile.parse(rateModel, file: "one-compartment.yaml"))
    let text = "nadsim_validation: 1\nmodel: one-compartment\nscenarios:\n" + scenarios + "targets:\n" + targets
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nadsim-validation-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("suite.yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return try ValidationRunner(Simulator(try CompiledModel(model))).run(try ValidationSuite.load(path: path))
  }

  static func target(_ observable: String, scenario: String = "iv") -> String {
    """
      - id: eliminated-fraction
        claim: an IV bolus is eliminated first order, 1 − exp(−ke·24 h) of it by 24 h
        source: closed form
        quantity: {observable: \(observable), scenario: \(scenario), statistic: dose_fraction}
        expected: [0.9974, 0.9976]
        tolerance: trapezoidal rule on the 0.005 h grid

    """
  }

  @Test("dose_fraction: the area of a rate observable over the dose, in any amount-per-time unit")
  func doseFraction() throws {
    // 1 − e^(−6) = 0.997521 of the dose is eliminated by 24 h.
    for observable in ["elimination_rate", "elimination_rate_nmol_min"] {
      let outcome = try Self.run(Self.target(observable)).first!
      #expect(abs(outcome.simulated - (1 - exp(-6.0))) < 1e-5, "\(observable): \(outcome.simulated)")
      #expect(outcome.passed)
    }
  }

  @Test("dose_fraction refuses a non-rate observable, a species and a scenario without a dose")
  func doseFractionErrors() throws {
    for (observable, scenario, message) in [("concentration", "iv", "amount per time"), ("c", "iv", "is a species"),
                                            ("elimination_rate", "untreated", "doses nothing")] {
      do {
        _ = try Self.run(Self.target(observable, scenario: scenario))
        Issue.record("\(observable) in \(scenario) was accepted")
      } catch let error as ModelError {
        #expect(error.description.contains(message), "\(error)")
        #expect(error.name == observable)
      }
    }
  }
}
