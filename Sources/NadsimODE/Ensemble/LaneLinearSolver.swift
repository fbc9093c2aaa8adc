import NadsimLinearAlgebra

/// The linear algebra of an ensemble step: factorise M = d·I − J for four lanes at once (each lane
/// its own J and its own d, since each lane has its own step size), then solve with M any number
/// of times. ``LaneLU`` stores J densely; ``LaneSparseLU`` stores the entries of a fixed
/// sparsity pattern.
protocol LaneLinearSolver: AnyObject {
  /// How ``EnsembleSystem/Jacobian`` writes J into ``jacobian``: `.dense` is n×n column-major
  /// (∂fᵢ/∂yⱼ at i + j·n); `.sparse(pattern)` is one entry per stored entry of the pattern, in
  /// its compressed-column order.
  var structure: MatrixStructure { get }
  /// The Jacobian storage (SIMD4 entries, the layout of ``structure``), filled by the caller
  /// before ``factor(diagonal:needed:)``. Entries the caller does not write must be zero.
  var jacobian: UnsafeMutablePointer<SIMD4<Double>> { get }
  /// Number of SIMD4 entries in ``jacobian``.
  var jacobianCount: Int { get }
  /// Factorises M = d·I − J in every lane (d per lane). `needed` marks the lanes whose result
  /// matters (the others are factorised along but never sent to a scalar fallback). Returns the
  /// lanes whose factorisation succeeded.
  func factor(diagonal: SIMD4<Double>, needed: LaneMask) -> LaneMask
  /// Overwrites `b` with M⁻¹b in every lane.
  func solve(_ b: UnsafeMutablePointer<SIMD4<Double>>)
  /// Whether solves must match the scalar solver bit for bit (zeros' signs included); false lets
  /// a solver drop per-lane zero tests (lanes stay independent). ``LaneLU`` ignores it.
  var skipsZeroUpdates: Bool { get set }
  /// Lanes of the last ``factor(diagonal:needed:)`` that went to the scalar fallback.
  var fallbackLanes: LaneMask { get }
  var factorizations: Int { get }
  var solves: Int { get }
  /// Lane factorisations redone by a scalar pivoting solver.
  var fallbackFactorizations: Int { get }
}

/// The lane solver for a system's Jacobian structure: ``LaneLU`` for dense, ``LaneSparseLU`` for a
/// sparsity pattern, with the system's compiled ``EnsembleSystem/laneSparseKernels`` when it has
/// them for that pattern. The kernels make every update, so ``LaneLinearSolver/skipsZeroUpdates``
/// is then off (results may differ from the loops' in the sign of a zero; lanes stay independent).
func makeLaneLinearSolver(for system: EnsembleSystem) -> LaneLinearSolver {
  switch system.jacobianStructure {
  case .sparse(let pattern):
    let solver = LaneSparseLU(pattern: pattern)
    if let kernels = system.laneSparseKernels, kernels.pattern == pattern {
      solver.skipsZeroUpdates = false
      solver.kernels = kernels
    }
    return solver
  default:
    return LaneLU(dimension: system.dimension)
  }
}
