import Foundation
import Testing
import NadsimLinearAlgebra
import NadsimModel
import NadsimODE
import NadsimProblems

/// The model-file HIRES (Models/testset/hires.yaml, from the Test Set for IVP Solvers, Bari,
/// release 2.4) run four scenarios at a time through ``ModelEnsemble`` and ``EnsembleRosenbrock``:
/// each lane must agree with the scalar Rodas5P solve of the same compiled model and constants,
/// and the nominal lane with the Bari reference.
@Suite("Model ensembles")
struct ModelEnsembleTests {
  static let overrides: [[String: Double]] = [
    [:],
    ["k1": 2.0, "k7": 250, "Oks": 0.0008],
    ["k3": 6.0, "k5": 0.04, "k9": 0.8],
    ["k2": 0.47, "k6": 7.5, "k8": 0.85, "k4": 0.6],
  ]

  @Test("lanes agree with scalar solves of the compiled model; nominal lane meets the Bari reference",
        arguments: [true, false])
  func lanesAgree(native: Bool) throws {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("testset/hires.yaml").path)
    let compiled = try CompiledModel(model, preferNative: native)
    let constants = try Self.overrides.map { try ScenarioConstants(model: model, parameters: $0).values }
    let ensemble = ModelEnsemble(compiled)
    for (lane, values) in constants.enumerated() { ensemble.setConstants(values, lane: lane) }
    let problem = TestProblem.hires
    let y0 = model.species.map { $0.initial! }
    for rtol in [1e-6, 1e-8] {
      let tolerances = problem.tolerances(rtol: rtol)
      let integrator = EnsembleRosenbrock(system: ensemble.system, options: EnsembleOptions(tolerances: tolerances))
      let result = integrator.solve(from: 0, y0: Array(repeating: y0, count: 4),
                                    to: Array(repeating: problem.tEnd, count: 4))
      #expect(result.returnCodes.allSatisfy { $0 == .success })

      let inputs = UnsafeMutablePointer<Double>.allocate(capacity: compiled.inputCount)
      defer { inputs.deallocate() }
      inputs.initialize(repeating: 0, count: compiled.inputCount)
      var options = SolverOptions(method: .rodas5p, tolerances: tolerances)
      options.saving = .finalOnly
      let integratorAlone = Integrator(system: compiled.system(inputs: inputs), options: options)
      for lane in 0..<4 {
        for (k, v) in constants[lane].enumerated() { inputs[1 + compiled.stateCount + k] = v }
        let alone = integratorAlone.solve(from: 0, y0: y0, to: problem.tEnd)
        var worst = 0.0
        for (a, b) in zip(result.finalStates[lane], alone.finalState) {
          worst = max(worst, abs(a - b) / (rtol * abs(b) + tolerances.absolute[0]))
        }
        #expect(worst <= 5, "lane \(lane) rtol \(rtol): \(worst) × tolerance from the scalar solve")
      }
      if rtol == 1e-8 {
        let scd = AccuracyMeasures.scd(result.finalStates[0], reference: problem.reference)
        #expect(scd >= 6.5, "nominal HIRES at rtol 1e-8: scd \(scd)")
      }
    }
  }

  /// A native model factorises on its Jacobian's pattern with compiled kernels in the lanes, even
  /// where the scalar solver uses the dense LU (HIRES, n = 8). The kernels make the loops' updates
  /// in the loops' order (``LaneSparseKernels``), so Rodas5P lanes with and without them must end
  /// at the same states up to the sign of a zero: compared here to 1e-12 relative.
  @Test("native HIRES: lanes factorise on the Jacobian's pattern with compiled kernels, as the loops do")
  func nativeLanesUseKernels() throws {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("testset/hires.yaml").path)
    let compiled = try CompiledModel(model, preferNative: true)
    try #require(compiled.rhs.isNative, "no C compiler: the native path cannot be tested here")
    #expect(compiled.jacobianStructure == .dense, "the scalar solver keeps the dense LU for n = 8")
    let constants = try Self.overrides.map { try ScenarioConstants(model: model, parameters: $0).values }
    let withKernels = ModelEnsemble(compiled)
    guard case .sparse(let pattern) = withKernels.system.jacobianStructure else {
      Issue.record("lanes of a native model should use the sparse layout")
      return
    }
    #expect(withKernels.system.laneSparseKernels?.pattern == pattern)
    let withLoops = ModelEnsemble(compiled)
    var loopSystem = withLoops.system
    loopSystem.laneSparseKernels = nil
    for (lane, values) in constants.enumerated() {
      withKernels.setConstants(values, lane: lane)
      withLoops.setConstants(values, lane: lane)
    }
    let problem = TestProblem.hires
    let y0 = model.species.map { $0.initial! }
    let options = EnsembleOptions(tolerances: problem.tolerances(rtol: 1e-8))
    let a = EnsembleRosenbrock(system: withKernels.system, options: options)
      .solve(from: 0, y0: Array(repeating: y0, count: 4), to: Array(repeating: problem.tEnd, count: 4))
    let b = EnsembleRosenbrock(system: loopSystem, options: options)
      .solve(from: 0, y0: Array(repeating: y0, count: 4), to: Array(repeating: problem.tEnd, count: 4))
    #expect(a.returnCodes.allSatisfy { $0 == .success } && b.returnCodes.allSatisfy { $0 == .success })
    for lane in 0..<4 {
      for (x, y) in zip(a.finalStates[lane], b.finalStates[lane]) {
        #expect(abs(x - y) <= 1e-12 * abs(y), "lane \(lane): kernels \(x), loops \(y)")
      }
    }
  }
}
