/// Work counters of one solve. The layer that does the work counts it, as in SUNDIALS.
public struct SolverStatistics: Sendable, Equatable {
  /// Step attempts (accepted + rejected).
  public var steps = 0
  /// Steps whose error estimate passed the test and whose result was kept.
  public var acceptedSteps = 0
  /// Attempts thrown away (error test failed, Newton failed to converge, or the RHS was not finite).
  public var rejectedSteps = 0
  /// Calls of the right-hand side f(t, y), including those used for finite-difference Jacobians.
  public var rhsEvaluations = 0
  /// Jacobian evaluations (analytic calls, or complete finite-difference approximations).
  public var jacobianEvaluations = 0
  /// RHS calls spent inside finite-difference Jacobians (included in ``rhsEvaluations``).
  public var rhsEvaluationsForJacobian = 0
  /// LU factorisations of the Newton/Rosenbrock matrix.
  public var luFactorizations = 0
  /// Triangular solves with a factorisation (one per right-hand side).
  public var linearSolves = 0
  /// Newton iterations (implicit multistep methods only).
  public var newtonIterations = 0
  /// Newton iterations that failed to converge and forced a smaller step.
  public var newtonConvergenceFailures = 0
  /// Error-test failures (a subset of ``rejectedSteps``).
  public var errorTestFailures = 0
  /// Evaluations of event functions (root finding).
  public var eventFunctionEvaluations = 0
  /// Switches between the non-stiff and stiff method (automatic method only).
  public var methodSwitches = 0
  /// Restarts at stop times (doses and other discontinuities).
  public var restarts = 0
  /// Size of the first step attempted (set by the integration loop).
  public var initialStepSize = 0.0
  /// Size of the last step accepted.
  public var lastStepSize = 0.0
  /// Order of the method in the last step (varies only for BDF).
  public var lastOrder = 0

  public init() {}

  /// Counters summed (step sizes and order from `other`), e.g. over ensemble members.
  public func merged(with other: SolverStatistics) -> SolverStatistics {
    var s = self
    for c in SolverStatistics.counters { s[keyPath: c.keyPath] += other[keyPath: c.keyPath] }
    s.lastStepSize = other.lastStepSize
    s.lastOrder = other.lastOrder
    return s
  }

  /// One row per counter: label for people, column name for CSV, and where it lives. The stderr
  /// table of `nadsim solve` and the CSV columns of `nadsim bench` are both generated from it.
  public struct Counter: Sendable {
    public let label: String
    public let csvName: String
    public let keyPath: WritableKeyPath<SolverStatistics, Int> & Sendable
  }

  public static let counters: [Counter] = [
    Counter(label: "steps attempted", csvName: "steps", keyPath: \.steps),
    Counter(label: "steps accepted", csvName: "accepted_steps", keyPath: \.acceptedSteps),
    Counter(label: "steps rejected", csvName: "rejected_steps", keyPath: \.rejectedSteps),
    Counter(label: "RHS evaluations", csvName: "rhs_evaluations", keyPath: \.rhsEvaluations),
    Counter(label: "Jacobian evaluations", csvName: "jacobian_evaluations", keyPath: \.jacobianEvaluations),
    Counter(label: "RHS evaluations for FD Jacobians", csvName: "rhs_evaluations_for_jacobian",
            keyPath: \.rhsEvaluationsForJacobian),
    Counter(label: "LU factorisations", csvName: "lu_factorizations", keyPath: \.luFactorizations),
    Counter(label: "linear solves", csvName: "linear_solves", keyPath: \.linearSolves),
    Counter(label: "Newton iterations", csvName: "newton_iterations", keyPath: \.newtonIterations),
    Counter(label: "Newton convergence failures", csvName: "newton_convergence_failures",
            keyPath: \.newtonConvergenceFailures),
    Counter(label: "error test failures", csvName: "error_test_failures", keyPath: \.errorTestFailures),
    Counter(label: "event function evaluations", csvName: "event_function_evaluations",
            keyPath: \.eventFunctionEvaluations),
    Counter(label: "method switches", csvName: "method_switches", keyPath: \.methodSwitches),
    Counter(label: "restarts at stop times", csvName: "restarts", keyPath: \.restarts),
  ]
}
