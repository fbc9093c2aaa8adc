/// A solver for the Newton matrix M = diagonal·I − scale·J of an implicit ODE method.
///
/// Setting up (forming M from the Jacobian and factorising it) and solving are separate calls, as
/// in SUNDIALS, so that the integrator alone decides when an old factorisation still serves.
/// Each call counts itself.
public protocol LinearSolver: AnyObject {
  /// Matrix order n.
  var dimension: Int { get }
  /// Layout of the Jacobian this solver reads in ``factor(jacobian:diagonal:scale:)``.
  var structure: MatrixStructure { get }
  /// Number of factorisations done so far.
  var factorizations: Int { get }
  /// Number of right-hand sides solved so far.
  var solves: Int { get }

  /// Forms M = diagonal·I − scale·J from `jacobian` (stored in ``structure`` layout) and
  /// factorises it. Returns `false` when M is exactly singular.
  func factor(jacobian: UnsafePointer<Double>, diagonal: Double, scale: Double) -> Bool
  /// Overwrites `b` with M⁻¹·b using the last factorisation.
  func solve(_ b: UnsafeMutablePointer<Double>)
}

/// Builds the linear solver that fits a structure: dense LU or banded LU (LAPACK), or ``SparseLU``.
public func makeLinearSolver(dimension: Int, structure: MatrixStructure) -> LinearSolver {
  switch structure {
  case .dense: return DenseLU(dimension: dimension)
  case .banded(let kl, let ku): return BandedLU(dimension: dimension, lower: kl, upper: ku)
  case .sparse(let pattern):
    precondition(pattern.dimension == dimension, "sparsity pattern of the wrong dimension")
    return SparseLU(pattern: pattern)
  }
}
