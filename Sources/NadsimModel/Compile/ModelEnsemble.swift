import NadsimLinearAlgebra
import NadsimODE

/// A compiled model as an ``EnsembleSystem``: four scenarios (lanes) with their own constants,
/// times and infusion inputs, evaluated together by the evaluators' lane entry points
/// (`evaluate(lanes: 4, …)`, whose lane-contiguous layout — input i of lane l at `inputs[4i + l]`
/// — is exactly one SIMD4 per input slot, so the ensemble integrator's state is copied in without
/// reshuffling and the outputs land directly in its lane-interleaved storage).
///
/// The Jacobian is sparse on its pattern (with compiled lane LU kernels) when the model is native
/// or the compiled model chose the sparse LU, dense otherwise (see ``lanePattern(_:native:dimension:entries:)``).
/// Give each lane its scenario with ``setConstants(_:lane:)`` (and ``infusionRates(lane:)`` for
/// doses) before it runs; the system and an integrator built on it can be reused for any number of
/// scenarios. Not thread-safe: one per thread.
public final class ModelEnsemble {
  public let compiled: CompiledModel
  public let system: EnsembleSystem
  /// The species the lanes integrate (model indices, in state order) and those they hold at zero.
  public let species: HeldSpecies
  private let storage: Storage

  /// - Parameter held: species to leave out of the state and read as zero (``HeldSpecies``); the
  ///   system's dimension is then the number of live species. Default: none.
  public init(_ compiled: CompiledModel, holding held: HeldSpecies? = nil) {
    self.compiled = compiled
    let held = held ?? HeldSpecies(none: compiled.stateCount)
    species = held
    let n = held.live.count
    let storage = Storage(inputs: compiled.inputCount, jacobianEntries: compiled.jacobianEntries.count)
    self.storage = storage
    let inputs = storage.inputs, values = storage.values
    let rawInputs = UnsafeRawPointer(inputs).assumingMemoryBound(to: Double.self)
    let rawValues = UnsafeMutableRawPointer(values).assumingMemoryBound(to: Double.self)
    let rhs: Evaluator, jacobian: Evaluator, timeDerivative: Evaluator?
    let entries: [(row: Int, column: Int)]
    if held.isEmpty {
      (rhs, jacobian, timeDerivative, entries) = (compiled.rhs, compiled.jacobian, compiled.timeDerivative,
                                                   compiled.jacobianEntries)
    } else {
      let live: CompiledModel.StateEvaluators
      do { live = try compiled.liveEvaluators(held) } catch {
        // The same expressions over the same names compiled for the full model.
        preconditionFailure("live-species evaluators of a compiled model: \(error)")
      }
      (rhs, jacobian, timeDerivative, entries) = (live.rhs, live.jacobian, live.timeDerivative, live.jacobianEntries)
    }
    let structure: MatrixStructure
    let positions: [Int]
    let native = compiled.rhs.isNative
    if let pattern = Self.lanePattern(compiled, native: native, dimension: n, entries: entries) {
      structure = .sparse(pattern)
      positions = entries.map { pattern.position($0.row, $0.column)! }
    } else {
      structure = .dense
      positions = entries.map { $0.row + $0.column * n }
    }
    let lanes = EnsembleSystem.lanes
    var system = EnsembleSystem(
      dimension: n, isAutonomous: compiled.isAutonomous, jacobianStructure: structure,
      rhs: { t, y, dy in
        CompiledModel.load(t, y, into: inputs, count: n)
        rhs.evaluate(lanes: lanes, inputs: rawInputs,
                     outputs: UnsafeMutableRawPointer(dy).assumingMemoryBound(to: Double.self))
      },
      jacobian: { t, y, J in
        _ = storage
        CompiledModel.load(t, y, into: inputs, count: n)
        jacobian.evaluate(lanes: lanes, inputs: rawInputs, outputs: rawValues)
        positions.withUnsafeBufferPointer { positions in
          for k in 0..<positions.count { J[positions[k]] = values[k] }
        }
      })
    if let timeDerivative {
      system.timeDerivative = { t, y, out in
        _ = storage
        CompiledModel.load(t, y, into: inputs, count: n)
        timeDerivative.evaluate(lanes: lanes, inputs: rawInputs,
                                outputs: UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self))
      }
    }
    // Held species count in the norms as the zeros they are: the tolerances keep their meaning.
    system.normDimension = compiled.stateCount
    // A model compiled to native code gets native lane LU kernels for its pattern too.
    if case .sparse(let pattern) = structure, native {
      system.laneSparseKernels = NativeLaneSparseKernels.kernels(for: pattern)
    }
    self.system = system
  }

  /// The sparsity pattern the lanes factorise on (the Jacobian `entries` of the `dimension`
  /// integrated species), or nil for the dense lane LU. A native model always gets the pattern,
  /// whatever layout the scalar solver uses (dense for small models): the compiled kernels for the
  /// pattern beat the dense lane loops even at n = 8 (HIRES in Rodas5P lanes: 1.37× the solves per
  /// second, measured one after the other on this machine). An interpreted model keeps the
  /// compiled model's choice of sparse or dense.
  static func lanePattern(_ compiled: CompiledModel, native: Bool, dimension: Int,
                          entries: [(row: Int, column: Int)]) -> SparsityPattern? {
    if case .sparse = compiled.jacobianStructure {} else if !native { return nil }
    return SparsityPattern(dimension: dimension, entries: entries)
  }

  /// Gives lane `lane` the constants of one scenario (``Model/constantNames`` order, as
  /// ``ScenarioConstants/values``) and zero infusion inputs.
  public func setConstants(_ values: [Double], lane: Int) {
    let n = compiled.stateCount, m = compiled.constantCount
    precondition(values.count == m && (0..<EnsembleSystem.lanes).contains(lane))
    for k in 0..<m { storage.inputs[1 + n + k][lane] = values[k] }
    for k in 0..<n { storage.inputs[1 + n + m + k][lane] = 0 }
  }

  /// Lane `lane`'s infusion inputs (n values, one per species, in working units per model time
  /// unit), to change at dose times. Valid while the ensemble lives; use on its thread only.
  public func infusionRates(lane: Int) -> InfusionInputs {
    InfusionInputs(base: storage.inputs + 1 + compiled.stateCount + compiled.constantCount, lane: lane)
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

/// One lane's infusion inputs inside a ``ModelEnsemble`` (species i's rate at index i).
public struct InfusionInputs {
  let base: UnsafeMutablePointer<SIMD4<Double>>
  let lane: Int
  public subscript(i: Int) -> Double {
    get { base[i][lane] }
    nonmutating set { base[i][lane] = newValue }
  }
}
