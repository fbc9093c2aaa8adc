import Foundation
import Testing
import NadsimModel
import NadsimODE

/// The compiled model's exact ∂f/∂t (symbolic, as its Jacobian) against a central difference of
/// its own compiled right-hand side in t. The human NAD+ model depends on t through its UV drive,
/// uv_dose·exp(−uv_recovery_rate·(t − uv_start)) for t > uv_start, 0 before: so ∂f/∂t is non-zero
/// only in the rows that the drive reaches, only after uv_start, and only with a UV dose.
@Suite("Time derivative")
struct TimeDerivativeTests {
  static func nadHuman() throws -> Model {
    try ModelLoader.load(path: modelsFolder.appendingPathComponent("nad-human.yaml").path)
  }

  /// One scenario of a compiled model: its inputs (constants set, no infusion) and its system.
  final class Scenario {
    let n: Int
    let inputs: UnsafeMutablePointer<Double>
    let system: ODESystem

    init(_ compiled: CompiledModel, constants: [Double]) {
      n = compiled.stateCount
      inputs = .allocate(capacity: compiled.inputCount)
      inputs.initialize(repeating: 0, count: compiled.inputCount)
      for (k, v) in constants.enumerated() { inputs[1 + n + k] = v }
      system = compiled.system(inputs: inputs)
    }

    deinit { inputs.deallocate() }

    func rhs(_ t: Double, _ y: [Double]) -> [Double] { apply(system.rhs, t, y) }
    func timeDerivative(_ t: Double, _ y: [Double]) -> [Double] { apply(system.timeDerivative!, t, y) }

    private func apply(_ f: ODESystem.RightHandSide, _ t: Double, _ y: [Double]) -> [Double] {
      var out = [Double](repeating: .nan, count: n)
      y.withUnsafeBufferPointer { y in out.withUnsafeMutableBufferPointer { f(t, y.baseAddress!, $0.baseAddress!) } }
      return out
    }
  }

  @Test("nad-human with a UV dose: exact ∂f/∂t matches a central difference of f in t", arguments: [true, false])
  func matchesCentralDifference(native: Bool) throws {
    let model = try Self.nadHuman()
    let compiled = try CompiledModel(model, preferNative: native)
    #expect(!compiled.isAutonomous)
    let constants = try ScenarioConstants(model: model, covariates: ["uv_dose": 3], parameters: ["uv_start": 1]).values
    // A positive state away from any threshold: the species' initial values where given, else 1.
    let y = model.species.map { $0.initial.map { $0 > 0 ? $0 : 1 } ?? 1 }
    for t in [1.5, 4.0, 20.0] {
      let scenario = Scenario(compiled, constants: constants)
      let exact = scenario.timeDerivative(t, y)
      let h = 1e-4
      let plus = scenario.rhs(t + h, y), minus = scenario.rhs(t - h, y)
      var nonZero = 0
      for i in 0..<compiled.stateCount {
        let difference = (plus[i] - minus[i]) / (2 * h)
        // Truncation h²/6·|f‴| plus cancellation of |f|·ε/h in the difference.
        let allowed = 1e-6 * abs(exact[i]) + 1e-10 * max(abs(plus[i]), abs(minus[i]))
        #expect(abs(exact[i] - difference) <= allowed,
                "t = \(t), \(model.species[i].name): exact \(exact[i]), central difference \(difference)")
        if exact[i] != 0 { nonZero += 1 }
      }
      #expect(nonZero > 0, "t = \(t): the UV drive should reach some rows")
    }
    // Before the exposure the drive is the constant 0 branch: ∂f/∂t is exactly zero.
    let before = Scenario(compiled, constants: constants).timeDerivative(0.5, y)
    #expect(before.allSatisfy { $0 == 0 })
  }

  @Test("no UV dose: ∂f/∂t is exactly zero; an autonomous model has none")
  func zeroWithoutDrive() throws {
    let model = try Self.nadHuman()
    let compiled = try CompiledModel(model)
    let constants = try ScenarioConstants(model: model).values
    let y = model.species.map { $0.initial.map { $0 > 0 ? $0 : 1 } ?? 1 }
    let exact = Scenario(compiled, constants: constants).timeDerivative(5, y)
    #expect(exact.allSatisfy { $0 == 0 })
    let hires = try CompiledModel(try ModelLoader.load(path: modelsFolder.appendingPathComponent("testset/hires.yaml").path))
    #expect(hires.isAutonomous && hires.timeDerivative == nil)
  }

  @Test("lanes: ModelEnsemble's ∂f/∂t equals the scalar one in every lane")
  func lanesMatchScalar() throws {
    let model = try Self.nadHuman()
    let compiled = try CompiledModel(model)
    let doses = [0.0, 1, 3, 10]
    let constants = try doses.map {
      try ScenarioConstants(model: model, covariates: ["uv_dose": $0], parameters: ["uv_start": 1]).values
    }
    let ensemble = ModelEnsemble(compiled)
    for (lane, values) in constants.enumerated() { ensemble.setConstants(values, lane: lane) }
    let n = compiled.stateCount
    let y = model.species.map { $0.initial.map { $0 > 0 ? $0 : 1 } ?? 1 }
    let t = 2.5
    var lanesY = [SIMD4<Double>](repeating: .zero, count: n)
    for i in 0..<n { lanesY[i] = SIMD4(repeating: y[i]) }
    var out = [SIMD4<Double>](repeating: SIMD4(repeating: .nan), count: n)
    let derivative = try #require(ensemble.system.timeDerivative)
    lanesY.withUnsafeBufferPointer { ys in
      out.withUnsafeMutableBufferPointer { derivative(SIMD4(repeating: t), ys.baseAddress!, $0.baseAddress!) }
    }
    for lane in 0..<4 {
      let exact = Scenario(compiled, constants: constants[lane]).timeDerivative(t, y)
      for i in 0..<n {
        #expect(abs(out[i][lane] - exact[i]) <= 1e-14 * abs(exact[i]), "lane \(lane), \(model.species[i].name)")
      }
    }
  }
}
