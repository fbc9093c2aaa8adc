import Foundation
import Testing
import NadsimModel
import NadsimODE
import NadsimProblems

/// The five stiff test-set problems written as model files (Models/testset/) and compiled must
/// solve like the hand-written Swift versions in NadsimProblems: same method, same tolerances,
/// final states equal to a relative 1e-12 (the issue's bound), on both evaluator back-ends.
@Suite("Test-set model files match the built-in problems")
struct TestSetEquivalenceTests {
  static let cases: [(String, Method, Bool)] = ["rober", "hires", "pollu", "orego", "vdpol"].flatMap { name in
    [(name, Method.rodas5p, true), (name, .auto, true), (name, .rodas5p, false)]
  }

  @Test("same final state to 1e-12 relative", arguments: cases)
  func matchesBuiltIn(name: String, method: Method, native: Bool) throws {
    let problem = try #require(TestProblem.named(name))
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("testset/\(name).yaml").path)
    let compiled = try CompiledModel(model, preferNative: native)
    #expect(compiled.isNative == native || !native, "native back-end unavailable: \(compiled.fallbackReason ?? "")")
    let inputs = UnsafeMutablePointer<Double>.allocate(capacity: compiled.inputCount)
    defer { inputs.deallocate() }
    inputs.initialize(repeating: 0, count: compiled.inputCount)
    let constants = try ScenarioConstants(model: model)
    for (k, v) in constants.values.enumerated() { inputs[1 + compiled.stateCount + k] = v }
    let system = compiled.system(inputs: inputs)
    #expect(system.isAutonomous)

    var options = SolverOptions(method: method, tolerances: problem.tolerances(rtol: 1e-6))
    options.saving = .finalOnly
    let y0 = model.species.map { $0.initial! }
    #expect(y0 == problem.y0)
    let fromFile = solve(system, from: problem.t0, y0: y0, to: problem.tEnd, options: options)
    let builtIn = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
    #expect(fromFile.returnCode == .success)
    var worst = 0.0
    for (a, b) in zip(fromFile.finalState, builtIn.finalState) {
      worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
    }
    #expect(worst <= 1e-12, "\(name) \(method.rawValue) native=\(native): relative difference \(worst)")
  }
}
