import Foundation
import Testing
@testable import NadsimModel
import NadsimLinearAlgebra
import NadsimODE

/// The human NAD+ model with its Jacobian stored and factorised sparsely (issue 6) against the
/// dense path: same baseline, same observables over a few days of twice-daily oral NMN (the full
/// 28-day run is measured in Benchmarks, too slow for a debug test).
@Suite("Sparse Jacobian of the NAD+ model")
struct SparseJacobianModelTests {
  static func model() throws -> Model {
    try ModelLoader.load(path: modelsFolder.appendingPathComponent("nad-human.yaml").path)
  }

  @Test("the automatic layout picks sparse LU for nad-human; forced layouts are honoured")
  func layout() throws {
    let model = try Self.model()
    let automatic = try CompiledModel(model)
    guard case .sparse(let pattern) = automatic.jacobianStructure else {
      Issue.record("expected a sparse structure, got \(automatic.jacobianStructure)")
      return
    }
    #expect(pattern.dimension == automatic.stateCount)
    #expect(pattern.density < CompiledModel.sparseMaximumDensity)
    // Every symbolic entry is in the pattern.
    for (i, j) in automatic.jacobianEntries { #expect(pattern.position(i, j) != nil) }
    #expect(try CompiledModel(model, jacobianLayout: .dense).jacobianStructure == .dense)
  }

  @Test("oral NMN 500 mg twice daily, 4 days: sparse and dense give the same observables", arguments: [NadsimODE.Method.bdf, .rodas5p])
  func sameObservables(method: NadsimODE.Method) throws {
    let model = try Self.model()
    let sparse = Simulator(try CompiledModel(model, jacobianLayout: .sparse))
    let dense = Simulator(try CompiledModel(model, jacobianLayout: .dense))
    var request = SimulationRequest(durationHours: 4 * 24)
    request.everyHours = 1
    request.method = method
    request.regimen = try DoseFlag.regimen(["oral:NMN:500mg@0x8/12h"], flag: "--dose")
    let a = try sparse.run(request), b = try dense.run(request)
    #expect(a.returnCode == .success && b.returnCode == .success)
    #expect(a.timesHours == b.timesHours)
    let m = model.observables.count
    // Per observable: the largest difference relative to its largest magnitude. The solutions
    // differ only by rounding (different elimination order), amplified by the step-size choices
    // at rtol 1e-6.
    for k in 0..<m {
      var largest = 0.0, difference = 0.0
      for r in 0..<a.timesHours.count {
        largest = max(largest, abs(b.observables[r * m + k]))
        difference = max(difference, abs(a.observables[r * m + k] - b.observables[r * m + k]))
      }
      #expect(difference <= 1e-5 * largest + 1e-12, "\(model.observables[k].name): \(difference) of \(largest)")
    }
    for (x, y) in zip(a.baseline, b.baseline) { #expect(abs(x - y) <= 1e-9 * max(abs(y), 1e-6)) }
  }
}
