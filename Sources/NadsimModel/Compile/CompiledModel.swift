import Foundation
import NadsimLinearAlgebra
import NadsimODE

/// A model compiled once into evaluators for its right-hand side, its exact Jacobian (symbolic
/// derivatives of the right-hand sides; only structurally non-zero entries), its exact ∂f/∂t when
/// it depends on t, and its observables.
/// Each scenario then supplies its own constants and gets an ``ODESystem``.
///
/// Input layout of every evaluator: `[t, species (n), constants (m), infusion inputs (n)]`, where the
/// constants are ``Model/constantNames`` and infusion input i is added to d(species i)/dt (it
/// carries the current constant-rate doses, already in working units per time).
public final class CompiledModel {
  public let model: Model
  public let stateCount: Int
  public let constantCount: Int
  public var inputCount: Int { 1 + stateCount + constantCount + stateCount }
  /// Structurally non-zero Jacobian entries (row, column), in evaluator output order.
  public let jacobianEntries: [(row: Int, column: Int)]
  /// The sparsity pattern of those entries (what the sparse layouts factorise on).
  public let jacobianPattern: SparsityPattern
  public let jacobianStructure: MatrixStructure
  public let isAutonomous: Bool

  /// How the Jacobian is stored and factorised. `.automatic` (the default) picks sparse LU for
  /// models with at least ``sparseMinimumDimension`` states whose pattern (diagonal included)
  /// fills at most ``sparseMaximumDensity`` of the matrix, else banded LU when the band is narrow,
  /// else dense LU. The environment variable `NADSIM_JACOBIAN_LAYOUT` (dense, banded, sparse)
  /// overrides the automatic choice, for measurements.
  public enum JacobianLayout: String, Sendable, CaseIterable {
    case automatic, dense, banded, sparse
  }

  /// Smallest model for which the automatic layout considers sparse LU. Measured crossover
  /// (Benchmarks/results/sparse-lu.md): see there.
  public static let sparseMinimumDimension = 24
  /// Largest stored fraction of the n² Jacobian entries (diagonal included) for sparse LU.
  public static let sparseMaximumDensity = 0.25
  public let rhs: Evaluator
  public let jacobian: Evaluator
  public let observables: Evaluator
  /// ∂f/∂t, exact (symbolic, as the Jacobian), for a model whose right-hand side depends on t
  /// explicitly; nil for an autonomous model. Infusion inputs change only at stop times and do not
  /// enter it.
  public let timeDerivative: Evaluator?

  /// Whether the evaluators run as native code (else the interpreter; see ``fallbackReason``).
  public var isNative: Bool { rhs.isNative }
  public var fallbackReason: String? { rhs.fallbackReason }

  public init(_ model: Model, preferNative: Bool = true, jacobianLayout: JacobianLayout = .automatic) throws {
    self.model = model
    let n = model.species.count
    stateCount = n
    constantCount = model.constantNames.count
    let state = try Self.stateEvaluators(model, integrated: Array(0..<n), preferNative: preferNative)
    rhs = state.rhs
    jacobian = state.jacobian
    timeDerivative = state.timeDerivative
    jacobianEntries = state.jacobianEntries
    let entries = jacobianEntries.map { ($0.row, $0.column) }
    var slots: [String: Int] = ["t": 0]
    for (i, s) in model.species.enumerated() { slots[s.name] = 1 + i }
    for (k, name) in model.constantNames.enumerated() { slots[name] = 1 + n + k }
    observables = try Evaluator(inputCount: 1 + n + constantCount + n, outputs: model.observables.map { ($0.name, $0.expression) },
                                symbols: { slots[$0] }, preferNative: preferNative)
    isAutonomous = !model.rightHandSides.contains { $0.symbols.contains("t") }

    jacobianPattern = SparsityPattern(dimension: n, entries: entries.map { (row: $0.0, column: $0.1) })
    jacobianStructure = CompiledModel.structure(pattern: jacobianPattern, entries: entries, layout: jacobianLayout)
  }

  /// The right-hand side, exact Jacobian and ∂f/∂t of the species `integrated` (model indices,
  /// in state order), over the usual input layout with the species slots reordered: integrated
  /// species k at slot 1 + k, then the others (which the caller keeps at zero), then the constants
  /// and the infusion inputs of all species as in the full layout. With every species integrated
  /// this is the model's own layout; with the live species of ``HeldSpecies`` it is what
  /// ``ModelEnsemble`` integrates. The expressions are compiled as they are, so a live species'
  /// derivative is bit for bit the full model's with the held species at zero.
  struct StateEvaluators {
    let rhs: Evaluator
    let jacobian: Evaluator
    let timeDerivative: Evaluator?
    /// Structurally non-zero entries (row, column) among the integrated species, in output order.
    let jacobianEntries: [(row: Int, column: Int)]
  }

  static func stateEvaluators(_ model: Model, integrated: [Int], preferNative: Bool) throws -> StateEvaluators {
    let n = model.species.count, m = model.constantNames.count
    let inputCount = 1 + n + m + n
    var slots: [String: Int] = ["t": 0]
    let isIntegrated = Set(integrated)
    let order = integrated + model.species.indices.filter { !isIntegrated.contains($0) }
    for (slot, i) in order.enumerated() { slots[model.species[i].name] = 1 + slot }
    for (k, name) in model.constantNames.enumerated() { slots[name] = 1 + n + k }
    let infusionBase = 1 + n + m
    let lookup: (String) -> Int? = { slots[$0] }
    let rhsLookup: (String) -> Int? = { name in
      if name.hasPrefix("__infusion_"), let i = Int(name.dropFirst("__infusion_".count)) { return infusionBase + i }
      return slots[name]
    }
    let rhs = try Evaluator(
      inputCount: inputCount,
      outputs: integrated.map { i in
        (name: "d_\(model.species[i].name)",
         expression: Expression.binary(.add, model.rightHandSides[i], .symbol("__infusion_\(i)")))
      },
      symbols: rhsLookup, preferNative: preferNative)

    var entries: [(row: Int, column: Int)] = []
    var derivatives: [(name: String, expression: Expression)] = []
    for (row, i) in integrated.enumerated() {
      let f = model.rightHandSides[i]
      let used = f.symbols
      for (column, j) in integrated.enumerated() where used.contains(model.species[j].name) {
        let d = f.derivative(withRespectTo: model.species[j].name)
        if let value = d.numberValue, value == 0 { continue }
        entries.append((row, column))
        derivatives.append((name: "J_\(i)_\(j)", expression: d))
      }
    }
    let jacobian = try Evaluator(inputCount: inputCount, outputs: derivatives, symbols: lookup, preferNative: preferNative)
    let autonomous = !model.rightHandSides.contains { $0.symbols.contains("t") }
    let timeDerivative = autonomous ? nil : try Evaluator(
      inputCount: inputCount,
      outputs: integrated.map { i in
        (name: "dt_\(model.species[i].name)", expression: model.rightHandSides[i].derivative(withRespectTo: "t"))
      },
      symbols: lookup, preferNative: preferNative)
    return StateEvaluators(rhs: rhs, jacobian: jacobian, timeDerivative: timeDerivative, jacobianEntries: entries)
  }

  /// ``StateEvaluators`` of the live species of `held` (see ``HeldSpecies``), native when this
  /// model's evaluators are.
  func liveEvaluators(_ held: HeldSpecies) throws -> StateEvaluators {
    try Self.stateEvaluators(model, integrated: held.live, preferNative: isNative)
  }

  /// The Jacobian structure for `layout` (see ``JacobianLayout``).
  static func structure(pattern: SparsityPattern, entries: [(Int, Int)],
                        layout requested: JacobianLayout) -> MatrixStructure {
    let n = pattern.dimension
    var layout = requested
    if layout == .automatic, let text = ProcessInfo.processInfo.environment["NADSIM_JACOBIAN_LAYOUT"],
       let forced = JacobianLayout(rawValue: text) {
      layout = forced
    }
    var lower = 0, upper = 0
    for (i, j) in entries {
      lower = max(lower, i - j)
      upper = max(upper, j - i)
    }
    switch layout {
    case .dense: return .dense
    case .banded: return .banded(lower: lower, upper: upper)
    case .sparse: return .sparse(pattern)
    case .automatic:
      if n >= sparseMinimumDimension && pattern.density <= sparseMaximumDensity { return .sparse(pattern) }
      // Banded LU when the Jacobian is narrow compared with its size.
      return n >= 24 && 3 * (2 * lower + upper + 1) <= n ? .banded(lower: lower, upper: upper) : .dense
    }
  }

  /// The ODE system of one scenario. `inputs` holds ``inputCount`` values whose constants and
  /// infusion parts the caller owns (the simulator changes the infusion part at dose times); t and
  /// the species part are written by each call.
  public func system(inputs: UnsafeMutablePointer<Double>) -> ODESystem {
    let n = stateCount
    let rhs = self.rhs, jacobian = self.jacobian
    let entries = jacobianEntries
    let values = UnsafeMutablePointer<Double>.allocate(capacity: max(entries.count, 1))
    let keeper = Buffer(values)
    // Sparse storage: each evaluator output goes straight to its slot (no search per entry).
    var positions: [Int] = []
    if case .sparse(let pattern) = jacobianStructure {
      positions = entries.map { pattern.position($0.row, $0.column)! }
    }
    var system = ODESystem(
      dimension: n, jacobianStructure: jacobianStructure, isAutonomous: isAutonomous,
      rhs: { t, y, dy in
        Self.load(t, y, into: inputs, count: n)
        rhs.evaluate(inputs: inputs, outputs: dy)
      },
      jacobian: { t, y, J in
        _ = keeper
        Self.load(t, y, into: inputs, count: n)
        jacobian.evaluate(inputs: inputs, outputs: values)
        if positions.isEmpty {
          for (k, entry) in entries.enumerated() { J[entry.row, entry.column] = values[k] }
        } else {
          positions.withUnsafeBufferPointer { positions in
            for k in 0..<positions.count { J.base[positions[k]] = values[k] }
          }
        }
      })
    if let timeDerivative {
      system.timeDerivative = { t, y, out in
        Self.load(t, y, into: inputs, count: n)
        timeDerivative.evaluate(inputs: inputs, outputs: out)
      }
    }
    return system
  }

  /// Evaluates the observables at (t, y) with the scenario's `inputs` (t and species overwritten).
  public func observe(t: Double, y: UnsafePointer<Double>, inputs: UnsafeMutablePointer<Double>,
                      into out: UnsafeMutablePointer<Double>) {
    Self.load(t, y, into: inputs, count: stateCount)
    observables.evaluate(inputs: inputs, outputs: out)
  }

  /// Writes t and the n species values into the head of an evaluator's inputs (the layout above),
  /// for one scenario (`Double`) or four lanes (`SIMD4<Double>`, ``ModelEnsemble``).
  @inline(__always)
  static func load<Value>(_ t: Value, _ y: UnsafePointer<Value>, into inputs: UnsafeMutablePointer<Value>, count n: Int) {
    inputs[0] = t
    (inputs + 1).update(from: y, count: n)
  }

  /// Owns a buffer for as long as a closure that uses it is alive.
  final class Buffer {
    let pointer: UnsafeMutablePointer<Double>
    init(_ pointer: UnsafeMutablePointer<Double>) { self.pointer = pointer }
    deinit { pointer.deallocate() }
  }
}
