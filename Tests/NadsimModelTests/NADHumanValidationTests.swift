import Foundation
import Testing
@testable import NadsimModel

/// The human NAD+ model against its validation targets (Models/nad-human.validation.yaml): every
/// target there names its source and the tolerance accepted. A failing target is reported by id.
@Suite("Human NAD+ model validation")
struct NADHumanValidationTests {
  @Test("every validation target passes")
  func allTargetsPass() throws {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("nad-human.yaml").path)
    let suite = try ValidationSuite.load(path: modelsFolder.appendingPathComponent("nad-human.validation.yaml").path)
    #expect(suite.targets.count >= 36)
    let outcomes = try ValidationRunner(Simulator(try CompiledModel(model))).run(suite)
    for outcome in outcomes where !outcome.passed {
      Issue.record("\(outcome.target.id): simulated \(outcome.simulated), expected \(outcome.target.expected) — \(outcome.target.claim) (\(outcome.target.source))")
    }
    #expect(outcomes.filter { !$0.passed }.isEmpty)
  }

  @Test("every parameter has a unit, a source and an evidence grade; assumed ones say how they were chosen")
  func parametersAreDocumented() throws {
    let file = try ModelFile.read(path: modelsFolder.appendingPathComponent("nad-human.yaml").path)
    for p in file.parameters {
      #expect(!p.source.trimmingCharacters(in: .whitespaces).isEmpty, "\(p.name) has no source")
      if p.evidence == .assumed { #expect(!(p.note ?? "").isEmpty, "\(p.name) is assumed without a note") }
    }
  }

  @Test("every parameter that varies between people says where its CV comes from; no unsourced correlation")
  func variabilityIsSourced() throws {
    let path = modelsFolder.appendingPathComponent("nad-human.yaml").path
    let file = try ModelFile.read(path: path)
    let varying = file.parameters.filter { $0.variability != nil }
    #expect(varying.count >= 6)
    for p in varying {
      #expect((p.source + " " + (p.note ?? "")).contains("CV"), "\(p.name) declares a variability without saying where its CV comes from")
      #expect(p.variability!.cv > 0 && p.variability!.cv < 1.5, "\(p.name): cv \(p.variability!.cv)")
    }
    let model = try ModelLoader.load(path: path)
    for c in model.correlations { #expect(!c.source.trimmingCharacters(in: .whitespaces).isEmpty, "\(c.first) ~ \(c.second)") }
  }

  @Test("the claimed-decline parameter set is labelled as an unsupported claim and halves blood NAD+ by middle age")
  func claimedDeclineSet() throws {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("nad-human.yaml").path)
    let set = try ParameterSet.load(path: modelsFolder.appendingPathComponent("parameter-sets/claimed-decline-50pct.yaml").path, for: model)
    #expect(set.label.contains("UNSUPPORTED CLAIM"))
    let simulator = Simulator(try CompiledModel(model))
    func bloodNAD(age: Double, claim: Bool) throws -> Double {
      var request = SimulationRequest(durationHours: 1)
      request.covariates = ["age": age]
      if claim { request.parameters = set.values }
      let t = try simulator.run(request)
      return t.baselineObservables[model.observables.firstIndex { $0.name == "whole_blood_nad" }!]
    }
    // The claim: about half by middle age (25 → 45 y). The default model: nearly flat.
    let claimed = try bloodNAD(age: 45, claim: true) / (try bloodNAD(age: 25, claim: true))
    let defaults = try bloodNAD(age: 45, claim: false) / (try bloodNAD(age: 25, claim: false))
    #expect(claimed < 0.65, "claimed set gives \(claimed)")
    #expect(defaults > 0.95, "default model gives \(defaults)")
  }
}
