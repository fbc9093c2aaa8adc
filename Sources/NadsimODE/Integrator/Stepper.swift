/// What one step attempt did.
public enum StepOutcome: Equatable {
  /// The step was kept: ``Stepper/t`` and ``Stepper/y`` moved forward.
  case accepted
  /// The attempt was thrown away (error test or Newton failure); the stepper chose a smaller h.
  case rejected
  /// The stepper cannot go on (underflow, persistent non-finite RHS, Newton failure).
  case failed(ReturnCode)
}

/// One family of integration methods, attempting one step at a time.
///
/// A stepper owns its workspace (allocated once at creation: an attempt allocates nothing), its
/// error estimate and its step-size (and, for BDF, order) selection. It never looks at stop times,
/// output times or events: the integration loop (``ODESolver``) does, and never lets a step cross
/// `limit`.
public protocol Stepper: AnyObject {
  /// Time of the last accepted state.
  var t: Double { get }
  /// The last accepted state (``ODESystem/dimension`` values). The loop may change it at a stop
  /// time, and then calls ``restart(at:initialStep:)``.
  var y: UnsafeMutablePointer<Double> { get }
  /// Start of the last accepted step; ``interpolate(at:into:)`` is valid on [tPrevious, t].
  var tPrevious: Double { get }
  /// Step size the stepper would try next.
  var proposedStep: Double { get }
  /// Counters (RHS calls, Jacobians, LU, solves, Newton); the loop adds steps, accepts, rejects.
  var statistics: SolverStatistics { get }

  /// Begins, or begins again after a discontinuity, from (t0, ``y``): forgets all history that
  /// assumed a smooth solution. `initialStep` > 0 proposes the first h; 0 lets the stepper choose.
  /// Returns a failure if it cannot start (e.g. f(t0, y0) is not finite).
  func restart(at t0: Double, initialStep: Double) -> ReturnCode?
  /// Attempts one step from ``t``, shortened if needed so that it ends no later than `limit`
  /// (landing on `limit` exactly when it is reached).
  func attemptStep(limit: Double) -> StepOutcome
  /// Writes the dense-output value at `time` ∈ [``tPrevious``, ``t``] into `out`.
  func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>)
}

/// Settings every stepper receives.
public struct StepperConfiguration {
  public var system: ODESystem
  public var tolerances: Tolerances
  /// Largest step allowed (∞ for none).
  public var maxStepSize: Double = .infinity
  /// When set, every step has exactly this size and is accepted without error control (for
  /// convergence-order studies). Steps are shortened only to land on `limit`.
  public var fixedStepSize: Double? = nil
  /// Highest order a variable-order method may use (BDF: 1…5).
  public var maxOrder: Int = 5

  public init(system: ODESystem, tolerances: Tolerances) {
    self.system = system
    self.tolerances = tolerances
  }
}
