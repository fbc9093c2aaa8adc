import NadsimODE

/// A compiled model as an ``EnsembleSystem``: four scenarios (lanes) with their own constants,
/// evaluated together by the evaluators' lane entry points (`evaluate(lanes: 4, …)`, whose
/// lane-contiguous layout — input i of lane l at `inputs[4i + l]` — is exactly one SIMD4 per input
/// slot, so the ensemble integrator's state is copied in without reshuffling and the outputs land
/// directly in its lane-interleaved storage).
///
/// Set the scenarios' constants with ``setConstants(_:)`` before each batch; the system and an
/// integrator built on it can be reused for any number of batches. Infusion inputs are zero (no
/// dosing: doses would need per-lane stop times). Not thread-safe: one per thread.
public final class ModelEnsemble {
  public let compiled: CompiledModel
  public let system: EnsembleSystem
  private let storage: Storage

  public init(_ compiled: CompiledModel) {
    self.compiled = compiled
    let n = compiled.stateCount
    let storage = Storage(inputs: compiled.inputCount, jacobianEntries: compiled.jacobianEntries.count)
    self.storage = storage
    let inputs = storage.inputs, values = storage.values
    let rawInputs = UnsafeRawPointer(inputs).assumingMemoryBound(to: Double.self)
    let rawValues = UnsafeMutableRawPointer(values).assumingMemoryBound(to: Double.self)
    let rhs = compiled.rhs, jacobian = compiled.jacobian
    let positions = compiled.jacobianEntries.map { $0.row + $0.column * n }
    let lanes = EnsembleSystem.lanes
    system = EnsembleSystem(
      dimension: n, isAutonomous: compiled.isAutonomous,
      rhs: { t, y, dy in
        inputs[0] = SIMD4(repeating: t)
        for i in 0..<n { inputs[1 + i] = y[i] }
        rhs.evaluate(lanes: lanes, inputs: rawInputs,
                     outputs: UnsafeMutableRawPointer(dy).assumingMemoryBound(to: Double.self))
      },
      jacobian: { t, y, J in
        _ = storage
        inputs[0] = SIMD4(repeating: t)
        for i in 0..<n { inputs[1 + i] = y[i] }
        jacobian.evaluate(lanes: lanes, inputs: rawInputs, outputs: rawValues)
        positions.withUnsafeBufferPointer { positions in
          for k in 0..<positions.count { J[positions[k]] = values[k] }
        }
      })
  }

  /// Gives lane l the constants `constants[l]` (``Model/constantNames`` order, as
  /// ``ScenarioConstants/values``); 1…4 sets, lanes beyond them repeat the first.
  public func setConstants(_ constants: [[Double]]) {
    let n = compiled.stateCount, m = compiled.constantCount
    precondition((1...EnsembleSystem.lanes).contains(constants.count) && constants.allSatisfy { $0.count == m })
    for l in 0..<EnsembleSystem.lanes {
      let values = constants[l < constants.count ? l : 0]
      for k in 0..<m { storage.inputs[1 + n + k][l] = values[k] }
    }
  }

  /// Owns the lane-contiguous inputs and the Jacobian values for the closures' lifetime.
  final class Storage {
    let inputs: UnsafeMutablePointer<SIMD4<Double>>
    let values: UnsafeMutablePointer<SIMD4<Double>>
    init(inputs count: Int, jacobianEntries: Int) {
      inputs = .allocate(capacity: count)
      inputs.initialize(repeating: .zero, count: count)
      values = .allocate(capacity: max(jacobianEntries, 1))
      values.initialize(repeating: .zero, count: max(jacobianEntries, 1))
    }
    deinit {
      inputs.deallocate()
      values.deallocate()
    }
  }
}
