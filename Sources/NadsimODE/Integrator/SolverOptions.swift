/// Everything a solve needs besides the system, the initial state and the time span.
public struct SolverOptions {
  /// Which states to record.
  public enum Saving {
    /// t₀, the end of every accepted step, and both sides of every stop time that changes y.
    case everyStep
    /// Only these times (dense output between steps; steps are not shortened for them). A time
    /// equal to a stop time records the state just before the stop's change (the left limit).
    case at([Double])
    /// Only the final state.
    case finalOnly
  }

  /// Integration method; ``Method/auto`` by default.
  public var method: Method = .auto
  public var tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)
  /// Most step attempts (accepted + rejected) before giving up with ``ReturnCode/maxStepsReached(t:maxSteps:)``.
  public var maxSteps = 1_000_000
  /// First step to try; 0 lets the method choose (Hairer's heuristic).
  public var initialStep = 0.0
  /// Largest step allowed.
  public var maxStepSize = Double.infinity
  /// Fixed step size without error control (for convergence studies); `nil` for adaptive steps.
  public var fixedStepSize: Double? = nil
  /// Highest order of variable-order methods (BDF), 1…5.
  public var maxOrder = 5
  public var saving: Saving = .everyStep
  /// Times the integrator must stop at exactly (doses, infusion switches). Steps never cross them;
  /// the method restarts cleanly after each one.
  public var stopTimes: [Double] = []
  /// Called at each stop time with the state, which it may change (e.g. add a bolus dose).
  public var onStop: ((Double, UnsafeMutablePointer<Double>) -> Void)? = nil
  /// State-dependent events located on the dense output.
  public var events: [Event] = []

  public init(method: Method = .auto, tolerances: Tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)) {
    self.method = method
    self.tolerances = tolerances
  }
}
