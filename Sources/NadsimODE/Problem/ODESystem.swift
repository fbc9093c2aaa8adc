import NadsimLinearAlgebra

/// A system of ordinary differential equations y′ = f(t, y), with an optional exact Jacobian.
///
/// The right-hand side writes into caller-owned storage and must not allocate: integrators call
/// it in their inner loop. A value that is not finite in `dy` is treated as a failed evaluation
/// (the step is retried smaller, and the run stops with ``ReturnCode/rhsNotFinite(t:)`` if that
/// does not help).
public struct ODESystem {
  /// f(t, y, dy): writes dy = f(t, y); `y` and `dy` hold ``dimension`` values.
  public typealias RightHandSide = (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
  /// J(t, y, view): writes ∂f/∂y into `view` (entries not written are zero).
  public typealias Jacobian = (Double, UnsafePointer<Double>, MatrixView) -> Void

  /// Number of states n.
  public let dimension: Int
  public let rhs: RightHandSide
  /// Exact Jacobian; when `nil`, integrators use finite differences (``FiniteDifferenceJacobian``).
  public let jacobian: Jacobian?
  /// Sparsity of ∂f/∂y: decides dense or banded LU.
  public let jacobianStructure: MatrixStructure
  /// True when f does not depend on t explicitly (or only through jumps at stop times). Rosenbrock
  /// methods then skip the ∂f/∂t term.
  public var isAutonomous: Bool
  /// Exact ∂f/∂t(t, y, out) (n values), used by Rosenbrock methods for a system that is not
  /// autonomous; when `nil` they take a forward difference, one extra RHS call per step.
  public var timeDerivative: RightHandSide?

  public init(
    dimension: Int, jacobianStructure: MatrixStructure = .dense, isAutonomous: Bool = false,
    rhs: @escaping RightHandSide, jacobian: Jacobian? = nil
  ) {
    precondition(dimension > 0, "an ODE system needs at least one state")
    self.dimension = dimension
    self.rhs = rhs
    self.jacobian = jacobian
    self.jacobianStructure = jacobianStructure
    self.isAutonomous = isAutonomous
  }

  /// The same system without its analytic Jacobian (forces finite differences for ∂f/∂y; an exact
  /// ∂f/∂t stays).
  public var withoutJacobian: ODESystem {
    var system = ODESystem(dimension: dimension, jacobianStructure: jacobianStructure,
                           isAutonomous: isAutonomous, rhs: rhs, jacobian: nil)
    system.timeDerivative = timeDerivative
    return system
  }
}
