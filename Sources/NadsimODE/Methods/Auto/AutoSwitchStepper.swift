/// The automatic method: Tsit5 while the problem is non-stiff, Rodas5P while it is stiff, in the
/// manner of LSODA (Petzold, SIAM J. Sci. Stat. Comput. 4 (1983) 136,
/// doi:10.1137/0904010) and OrdinaryDiffEq.jl's `AutoTsit5(Rodas5P())`.
///
/// Each solve starts with Tsit5. ``StiffnessDetector`` watches h·ρ(∂f/∂y) on whichever side is
/// running (from Tsit5's last two stages, or from the Jacobian Rodas5P already has) and asks for
/// a switch. A switch happens at the start of the next attempt, from the last accepted (t, y):
/// the other stepper restarts there (f(t, y), plus the starting-step heuristic when going stiff),
/// so the dense output of the step just taken stays with the stepper that took it. Each inner
/// stepper owns its state; the accepted y is copied to this stepper's ``y`` after each step (n
/// values) and handed to the other stepper at a switch or a restart. Both inner steppers
/// keep their own counters; ``statistics`` sums them and adds ``SolverStatistics/methodSwitches``.
///
/// A restart at the current time (a stop time, e.g. a dose) keeps the side in use; a restart at
/// any other time is a new solve and goes back to Tsit5.
public final class AutoSwitchStepper: Stepper {
  let explicit: ExplicitRKStepper
  let implicit: RosenbrockStepper
  private enum Side { case explicit, implicit }
  /// The stepper whose state is current: it took the last accepted step, or has just restarted.
  private var active = Side.explicit
  private var switchPending = false
  private var started = false
  private var detector: StiffnessDetector
  private var switches = 0
  /// Stability limit of the explicit method at the last stiff-side check (∞ if unknown).
  private var explicitStepLimit = Double.infinity

  public let y: UnsafeMutablePointer<Double>
  private let n: Int
  private let rowSums: UnsafeMutablePointer<Double>

  public init(configuration: StepperConfiguration) {
    explicit = ExplicitRKStepper(configuration: configuration, tableau: .tsit5)
    implicit = RosenbrockStepper(configuration: configuration, tableau: .rodas5P)
    explicit.estimatesStiffness = true
    detector = StiffnessDetector(boundary: explicit.tableau.realStabilityBoundary)
    n = configuration.system.dimension
    y = .allocate(capacity: 2 * n)
    y.initialize(repeating: 0, count: 2 * n)
    rowSums = y + n
  }

  deinit { y.deallocate() }

  public var t: Double { active == .explicit ? explicit.t : implicit.t }
  public var tPrevious: Double { active == .explicit ? explicit.tPrevious : implicit.tPrevious }
  public var proposedStep: Double {
    active == .explicit ? explicit.proposedStep : implicit.proposedStep
  }

  /// Whether the stiff method is in use.
  var isStiffSide: Bool { active == .implicit }

  public var statistics: SolverStatistics {
    let last = active == .explicit ? explicit.statistics : implicit.statistics
    var st = explicit.statistics.merged(with: implicit.statistics)
    st.methodSwitches = switches
    st.initialStepSize = explicit.statistics.initialStepSize
    st.lastStepSize = last.lastStepSize
    st.lastOrder = last.lastOrder
    return st
  }

  public func restart(at t0: Double, initialStep: Double) -> ReturnCode? {
    if !started || t0 != t {
      // A new solve: start over non-stiff.
      active = .explicit
      switchPending = false
      started = true
    }
    detector.reset()
    var step = initialStep
    if switchPending {
      // The switch asked for by the last step happens here, with the step it would have used.
      switchPending = false
      switches += 1
      active = active == .explicit ? .implicit : .explicit
      step = active == .implicit ? 0 : min(step, explicitStepLimit)
    }
    switch active {
    case .explicit:
      copy(y, to: explicit.y)
      return explicit.restart(at: t0, initialStep: step)
    case .implicit:
      copy(y, to: implicit.y)
      return implicit.restart(at: t0, initialStep: step)
    }
  }

  public func attemptStep(limit: Double) -> StepOutcome {
    if switchPending, let failure = performSwitch() { return .failed(failure) }
    switch active {
    case .explicit:
      let outcome = explicit.attemptStep(limit: limit)
      if case .failed = outcome { return outcome }
      let estimate = explicit.stiffnessEstimate
      if estimate.isFinite && detector.explicitAttempt(hRho: estimate) { switchPending = true }
      if outcome == .accepted { copy(explicit.y, to: y) }
      return outcome
    case .implicit:
      let outcome = implicit.attemptStep(limit: limit)
      guard outcome == .accepted else { return outcome }
      copy(implicit.y, to: y)
      let rho = spectralRadiusBound(implicit.jacobian.view, rowSums: rowSums)
      let step = implicit.t - implicit.tPrevious
      if detector.implicitStep(hRho: step * rho) {
        switchPending = true
        // Tsit5 starts no larger than 0.9 of its stability limit for the bound.
        explicitStepLimit = rho > 0 ? 0.9 * detector.boundary / rho : .infinity
      }
      return outcome
    }
  }

  /// Restarts the other stepper from the last accepted (t, y).
  private func performSwitch() -> ReturnCode? {
    switchPending = false
    switches += 1
    detector.reset()
    switch active {
    case .explicit:
      // Tsit5's step says nothing about the step Rodas5P can take (it was held down by
      // stability): let Rodas5P choose with the starting-step heuristic (one RHS call). Measured:
      // on POLLU this saves the ~10 steps that growing from 2× Tsit5's step took.
      active = .implicit
      copy(y, to: implicit.y)
      return implicit.restart(at: explicit.t, initialStep: 0)
    case .implicit:
      let step = min(implicit.proposedStep, explicitStepLimit)
      active = .explicit
      copy(y, to: explicit.y)
      return explicit.restart(at: implicit.t, initialStep: step)
    }
  }

  public func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>) {
    switch active {
    case .explicit: explicit.interpolate(at: time, into: out)
    case .implicit: implicit.interpolate(at: time, into: out)
    }
  }

  @inline(__always)
  private func copy(_ source: UnsafeMutablePointer<Double>, to target: UnsafeMutablePointer<Double>) {
    target.update(from: source, count: n)
  }
}
