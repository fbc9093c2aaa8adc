/// How a solve ended. Failures say what to change.
public enum ReturnCode: Equatable, Sendable, CustomStringConvertible {
  /// Reached the final time.
  case success
  /// A terminal event fired at the given time (see ``Event``).
  case eventTerminated(t: Double)
  /// Gave up after the maximum number of step attempts.
  case maxStepsReached(t: Double, maxSteps: Int)
  /// The step size fell below what double precision can resolve at t.
  case stepSizeUnderflow(t: Double)
  /// The right-hand side gave NaN or ±∞ at t, even after the step was cut.
  case rhsNotFinite(t: Double)
  /// The Newton iteration (or the LU of the iteration matrix) failed repeatedly at t.
  case newtonFailed(t: Double)
  /// The inputs were unusable (bad tolerances, non-finite initial state, ...).
  case invalidInput(String)

  public var isSuccess: Bool {
    switch self {
    case .success, .eventTerminated: return true
    default: return false
    }
  }

  /// One word for CSV status columns.
  public var word: String {
    switch self {
    case .success: return "success"
    case .eventTerminated: return "event_terminated"
    case .maxStepsReached: return "max_steps_reached"
    case .stepSizeUnderflow: return "step_size_underflow"
    case .rhsNotFinite: return "rhs_not_finite"
    case .newtonFailed: return "newton_failed"
    case .invalidInput: return "invalid_input"
    }
  }

  public var description: String {
    switch self {
    case .success: return "success"
    case .eventTerminated(let t): return "stopped by a terminal event at t = \(t)"
    case .maxStepsReached(let t, let m):
      return "reached the maximum of \(m) step attempts at t = \(t); raise maxSteps, loosen the tolerances, or use a stiff method if the problem is stiff"
    case .stepSizeUnderflow(let t):
      return "step size underflow at t = \(t): the solution may blow up there or the tolerances are too tight"
    case .rhsNotFinite(let t):
      return "the right-hand side returned NaN or infinity at t = \(t) and cutting the step did not help; check the model near that time"
    case .newtonFailed(let t):
      return "the Newton iteration failed repeatedly at t = \(t); check the Jacobian or tighten the tolerances"
    case .invalidInput(let why): return "invalid input: \(why)"
    }
  }
}
