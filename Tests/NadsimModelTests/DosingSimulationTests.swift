import Foundation
import Testing
@testable import NadsimModel
import NadsimODE

/// Doses through the whole pipeline (model file → compiled model → simulator) against closed-form
/// one-compartment pharmacokinetics (Gibaldi & Perrier, Pharmacokinetics, 2nd ed., ch. 1–2):
/// oral first-order absorption with lag and bioavailability (the Bateman function), and a
/// constant-rate IV infusion.
@Suite("Dosing through the simulator")
struct DosingSimulationTests {
  static let model = """
    nadsim_model: 1
    name: one-compartment
    units: {amount: µmol, volume: L, time: h}
    covariates:
      body_weight: {value: 70, unit: kg, range: [30, 200]}
    compartments:
      central: {volume: "v_per_kg * body_weight", unit: L}
      gut_lumen: {volume: 1, unit: L}
    parameters:
      v_per_kg: {value: 0.6, unit: L/kg, source: test, evidence: defined}
      ka: {value: 1.2, unit: 1/h, source: test, evidence: defined}
      ke: {value: 0.25, unit: 1/h, source: test, evidence: defined}
    species:
      gut: {compartment: gut_lumen, unit: µmol, initial: 0}
      c: {compartment: central, unit: µM, initial: 0}
      eliminated: {compartment: central, unit: µmol, initial: 0}
    reactions:
      absorption: {equation: "gut -> c", rate: "ka * gut"}
      elimination: {equation: "c -> eliminated", rate: "ke * c", compartment: central}
    observables:
      concentration: {expression: "c", unit: µM}
      total: {expression: "gut + c * central + eliminated", unit: µmol}
    routes:
      oral:
        bioavailability: 0.5
        lag: 0.5 h
        max_single_dose: 1000 mg
        substances:
          DRUG: {species: gut, molecular_weight: 200}
      iv:
        substances:
          DRUG: {species: c, molecular_weight: 200}
    """

  static func simulator() throws -> Simulator {
    let model = try ModelLoader.resolve(try ModelFile.parse(Self.model, file: "one-compartment.yaml"))
    return Simulator(try CompiledModel(model))
  }

  @Test("oral bolus: the Bateman function with lag 0.5 h and F = 0.5")
  func oralBolus() throws {
    var request = SimulationRequest(durationHours: 24)
    request.everyHours = 0.25
    request.tolerances = Tolerances(relative: 1e-10, absolute: 1e-12)
    request.regimen = try DoseFlag.regimen(["oral:DRUG:100mg@1h"], flag: "--dose")
    let trajectory = try Self.simulator().run(request)
    #expect(trajectory.returnCode == .success)
    // 100 mg / 200 g/mol = 500 µmol; F = 0.5 → 250 µmol absorbed into V = 0.6·70 = 42 L.
    let dose = 250.0, v = 42.0, ka = 1.2, ke = 0.25
    for (index, t) in trajectory.timesHours.enumerated() {
      let tau = t - 1 - 0.5
      let expected = tau <= 0 ? 0 : dose * ka / (v * (ka - ke)) * (exp(-ke * tau) - exp(-ka * tau))
      let value = trajectory.states[index * 3 + 1]
      #expect(abs(value - expected) <= 1e-7 * 5.0 + 1e-9, "t = \(t): \(value) vs \(expected)")
    }
    // Mass balance: what entered (F × dose) is in the gut, the body or eliminated.
    let last = trajectory.timesHours.count - 1
    let total = trajectory.states[last * 3] + trajectory.states[last * 3 + 1] * v + trajectory.states[last * 3 + 2]
    #expect(abs(total - dose) <= 1e-8 * dose)
    #expect(abs(trajectory.dosedAmount[0] - dose) <= 1e-12 * dose)
  }

  @Test("IV infusion over 6 h: C = R/(V·ke)·(1 − e^(−ke·t)), then first-order decay")
  func infusion() throws {
    var request = SimulationRequest(durationHours: 12)
    request.everyHours = 0.5
    request.tolerances = Tolerances(relative: 1e-10, absolute: 1e-12)
    request.regimen = try DoseFlag.regimen(["iv:DRUG:120mg@0,duration=6h"], flag: "--dose")
    let trajectory = try Self.simulator().run(request)
    #expect(trajectory.returnCode == .success)
    // 120 mg = 600 µmol over 6 h: R = 100 µmol/h into V = 42 L.
    let rate = 100.0, v = 42.0, ke = 0.25
    for (index, t) in trajectory.timesHours.enumerated() {
      let plateau = rate / (v * ke)
      let expected = t <= 6 ? plateau * (1 - exp(-ke * t)) : plateau * (1 - exp(-ke * 6)) * exp(-ke * (t - 6))
      let value = trajectory.states[index * 3 + 1]
      #expect(abs(value - expected) <= 1e-7 * plateau, "t = \(t): \(value) vs \(expected)")
    }
  }

  @Test("a covariate out of range and a dose above the route's limit are refused, naming the field")
  func refusals() throws {
    var request = SimulationRequest(durationHours: 1)
    request.covariates = ["body_weight": 500]
    #expect(throws: ModelError.self) { try Self.simulator().run(request) }
    do { _ = try Self.simulator().run(request) } catch let error as ModelError {
      #expect(error.name == "body_weight")
      #expect(error.description.contains("[30.0, 200.0]"))
    }
    request.covariates = [:]
    request.regimen = try DoseFlag.regimen(["oral:DRUG:5000mg"], flag: "--dose")
    do {
      _ = try Self.simulator().run(request)
      Issue.record("expected a refusal")
    } catch let error as ModelError {
      #expect(error.name == "max_single_dose")
      #expect(error.description.contains("1000"))
    }
  }
}

extension DosingSimulationTests {
  @Test("infused amounts count as dosed: 120 mg over 6 h = 600 µmol, all in body or eliminated")
  func infusionMassBalance() throws {
    var request = SimulationRequest(durationHours: 12)
    request.tolerances = Tolerances(relative: 1e-10, absolute: 1e-12)
    request.regimen = try DoseFlag.regimen(["iv:DRUG:120mg@0,duration=6h"], flag: "--dose")
    let t = try Self.simulator().run(request)
    #expect(abs(t.dosedAmount.reduce(0, +) - 600) < 1e-9)
    let last = t.timesHours.count - 1
    let inBody = t.states[last * 3 + 1] * 42 + t.states[last * 3 + 2]
    #expect(abs(inBody - 600) < 1e-7 * 600)
  }
}
