import NadsimLinearAlgebra

/// Attempts steps of Radau IIA of order 5 (``RadauIIA5``), organised as Hairer & Wanner's RADAU5
/// (Solving ODEs II, §IV.8):
///
/// - **Stages** by simplified Newton on the 3n stage increments Z, in the transformed variables
///   W = (T⁻¹ ⊗ I)Z, so that each iteration solves one real system (γ/h·I − J) and one complex
///   system ((α + iβ)/h·I − J) (``ComplexShiftedSolver``) instead of one of order 3n
///   (``solveStages(step:)``). The iteration starts from the previous step's collocation
///   polynomial, extrapolated, and watches its contraction rate θ: it gives up early, with a
///   predicted smaller step, when it would not converge within ``maxNewtonIterations``.
/// - **Jacobian and LU economy.** J is evaluated at the start of a step only when the last
///   iteration contracted slowly (θ > ``jacobianReuseRate``, RADAU5's rule) or after a failure
///   with an old J. The two LUs are redone only when h changes, and while J is kept h changes only
///   to grow by ``refactorGrowth`` or more; a proposed decrease waits for a rejection (scipy's
///   Radau rule; RADAU5 keeps h only for proposals in [1, 1.2]·h). On the 67-state NAD model
///   (28 days, 56 doses, rtol 1e-8) this cut the LUs from 20,400 to 7,200 for the same number
///   of steps; on the Bari problems accuracy is unchanged within run-to-run noise. (scipy also
///   keeps J after iterations of two or fewer whatever θ; that cost POLLU 0.5–1.3 digits at
///   rtol 1e-9…1e-12 and was not taken.)
/// - **Error estimate** (``estimateError(step:)``): the embedded formula of RADAU5, filtered by
///   (γ/h·I − J)⁻¹ so that it stays bounded for stiff components, with the second filtering
///   through f(t, y + err) after a rejected or first step.
/// - **Step size**: ``PredictiveController`` (Gustafsson), exponent 1/4.
/// - **Dense output**: the collocation polynomial of degree 3 through y₀ and the three stages
///   (order 3 between steps, exact at the step ends), stored in Newton form about the step's end.
///
/// Stops and restarts: ``restart(at:initialStep:)`` forgets the polynomial, the controller's
/// memory and the Jacobian, so a jump in y (a dose) is never extrapolated across.
public final class RadauStepper: Stepper {
  let system: ODESystem
  let n: Int
  let norm: ErrorNorm
  let fixedStep: Double?
  let maxStep: Double
  let jacobian: JacobianEvaluator
  /// Factorisation of γ/h·I − J.
  let realSolver: LinearSolver
  /// Factorisation of (α + iβ)/h·I − J.
  let complexSolver: ComplexShiftedSolver
  var controller = PredictiveController(maxNewtonIterations: RadauStepper.maxNewtonIterations)
  /// The Newton iteration stops when the predicted remaining error (in units of the tolerance)
  /// is below this: max(10u/rtol, min(0.03, √rtol)) as in RADAU5.
  let newtonTolerance: Double
  /// A Newton update this small (weighted norm) is at the rounding level of y: u/rtol per
  /// component, with a margin of 10.
  let roundoffFloor: Double

  /// Newton iterations allowed per attempt (RADAU5's default); four times that with fixed steps.
  static let maxNewtonIterations = 7
  /// J is kept for the next step when the last Newton iteration contracted at least this fast.
  static let jacobianReuseRate = 0.001
  /// While J is kept, h (and with it the LUs) changes only when it should grow by this factor.
  static let refactorGrowth = 1.2

  public private(set) var t = 0.0
  public private(set) var tPrevious = 0.0
  public let y: UnsafeMutablePointer<Double>
  public private(set) var proposedStep = 0.0

  // Workspace (n doubles each unless said): f0 = f(t, y); Z, W and the stage values / Newton
  // right-hand sides F (3n each, stage i at offset i·n); the dense-output coefficients (3n);
  // weights of the norm at y; a stage argument; the error estimate and its right-hand side.
  let workspace: Workspace
  let f0: UnsafeMutablePointer<Double>
  let z: UnsafeMutablePointer<Double>
  let w: UnsafeMutablePointer<Double>
  let f: UnsafeMutablePointer<Double>
  let cont: UnsafeMutablePointer<Double>
  let weights: UnsafeMutablePointer<Double>
  let argument: UnsafeMutablePointer<Double>
  let error: UnsafeMutablePointer<Double>
  let errorRHS: UnsafeMutablePointer<Double>
  /// Rounding error of the running sum y = y₀ + Σ Z₃ (compensated summation, see
  /// ``acceptStages(step:)``); zeroed at every restart.
  let compensation: UnsafeMutablePointer<Double>

  /// Size of the last accepted step (dense output, starting values); 0 before the first.
  var hLast = 0.0
  /// Whether a step was accepted since the last restart (the collocation polynomial exists).
  var hasStep = false
  /// Whether the last attempt was rejected (the next accepted step may not grow h).
  var lastRejected = false
  var f0Current = false
  /// Whether J was evaluated at the current (t, y).
  var jacobianAtCurrentState = false
  var mustEvaluateJacobian = true
  /// The h the two LUs were formed for (0: none valid).
  var factoredStep = 0.0
  /// Contraction rate of the last Newton iteration, and RADAU5's θ/(1 − θ) carried over.
  var theta = RadauStepper.jacobianReuseRate
  var faccon = 1.0
  var consecutiveNonFinite = 0
  var nonFiniteSinceErrorTest = false
  var consecutiveNewtonFailures = 0

  var rhsCalls = 0
  var stats = SolverStatistics()

  public init(configuration: StepperConfiguration) {
    system = configuration.system
    n = system.dimension
    fixedStep = configuration.fixedStepSize
    maxStep = configuration.maxStepSize
    workspace = Workspace(capacity: n * 21)
    norm = ErrorNorm(tolerances: configuration.tolerances, dimension: n, workspace: workspace)
    y = workspace.take(n)
    f0 = workspace.take(n)
    z = workspace.take(3 * n)
    w = workspace.take(3 * n)
    f = workspace.take(3 * n)
    cont = workspace.take(3 * n)
    weights = workspace.take(n)
    argument = workspace.take(n)
    error = workspace.take(n)
    errorRHS = workspace.take(n)
    compensation = workspace.take(n)
    jacobian = JacobianEvaluator(system: system)
    realSolver = makeLinearSolver(dimension: n, structure: system.jacobianStructure)
    complexSolver = ComplexShiftedSolver(dimension: n, jacobianStructure: system.jacobianStructure)
    let rtol = configuration.tolerances.tightestRelative
    newtonTolerance = max(10 * Double.ulpOfOne / rtol, min(0.03, rtol.squareRoot()))
    roundoffFloor = 10 * Double.ulpOfOne / rtol
  }

  public var statistics: SolverStatistics {
    var st = stats
    st.rhsEvaluations = rhsCalls + jacobian.rhsEvaluations
    st.rhsEvaluationsForJacobian = jacobian.rhsEvaluations
    st.jacobianEvaluations = jacobian.evaluations
    st.luFactorizations = realSolver.factorizations + complexSolver.factorizations
    st.linearSolves = realSolver.solves + complexSolver.solves
    st.lastOrder = 5
    return st
  }

  public func restart(at t0: Double, initialStep: Double) -> ReturnCode? {
    t = t0
    tPrevious = t0
    hLast = 0
    hasStep = false
    lastRejected = false
    controller.reset()
    theta = RadauStepper.jacobianReuseRate
    faccon = 1
    jacobianAtCurrentState = false
    mustEvaluateJacobian = true
    factoredStep = 0
    consecutiveNonFinite = 0
    nonFiniteSinceErrorTest = false
    consecutiveNewtonFailures = 0
    for m in 0..<n { compensation[m] = 0 }
    system.rhs(t0, y, f0)
    rhsCalls += 1
    guard allFinite(f0, n) else { return .rhsNotFinite(t: t0) }
    f0Current = true
    let start = startingStep(fixedStep: fixedStep, requested: initialStep, maxStep: maxStep) {
      initialStepSize(
        system: system, t0: t0, y0: y, f0: f0, order: RadauIIA5.errorOrder, norm: norm,
        direction: 1, maxStep: maxStep, limit: .infinity, scratch1: argument, scratch2: error)
    }
    proposedStep = start.step
    if start.estimated { rhsCalls += 1 }
    return nil
  }

  public func attemptStep(limit: Double) -> StepOutcome {
    let step: Double, landsOnLimit: Bool
    switch clippedStep(proposed: proposedStep, t: t, limit: limit, nonFiniteSinceErrorTest: nonFiniteSinceErrorTest) {
    case .success(let clipped): (step, landsOnLimit) = clipped
    case .failure(let failure): return .failed(failure.code)
    }

    // f0 and J belong to the state at the start of the step and survive rejections.
    if !f0Current {
      system.rhs(t, y, f0)
      rhsCalls += 1
      guard allFinite(f0, n) else { return .failed(.rhsNotFinite(t: t)) }
      f0Current = true
    }
    if mustEvaluateJacobian {
      jacobian.evaluate(t: t, y: y, f0: f0, atol: norm.atol)
      jacobianAtCurrentState = true
      mustEvaluateJacobian = false
      factoredStep = 0
    }
    if step != factoredStep {
      guard factorMatrices(step: step) else { return rejectNewton(step, factor: 0.5) }
    }
    norm.weights(from: y, into: weights)

    let iterations: Int
    switch solveStages(step: step) {
    case .converged(let count): iterations = count
    case .nonFinite: return rejectNonFinite(step)
    case .diverged: return rejectNewton(step, factor: 0.5)
    case .slow(let factor): return rejectNewton(step, factor: factor)
    }

    let errorNorm = estimateError(step: step)
    guard errorNorm.isFinite else { return rejectNonFinite(step) }
    consecutiveNonFinite = 0

    if let fixed = fixedStep {
      proposedStep = fixed
      mustEvaluateJacobian = theta > RadauStepper.jacobianReuseRate
    } else {
      let accept = errorNorm < 1
      let factor = controller.factor(error: errorNorm, order: RadauIIA5.errorOrder, step: step,
                                     newtonIterations: iterations, accepted: accept)
      if !accept {
        stats.errorTestFailures += 1
        nonFiniteSinceErrorTest = false
        // Without an accepted step the estimate of the error's growth is unreliable: cut hard.
        proposedStep = step * (hasStep ? factor : 0.1)
        lastRejected = true
        if !jacobianAtCurrentState { mustEvaluateJacobian = true }
        return .rejected
      }
      var next = min(step * factor, maxStep)
      if lastRejected { next = min(next, step) }
      mustEvaluateJacobian = theta > RadauStepper.jacobianReuseRate
      // While J is kept, h and the two LUs are kept unless h should grow by 20 % or more. A step
      // cut short to land on a stop is not kept: the loop restarts there (new J and LUs) anyway.
      if !mustEvaluateJacobian && !landsOnLimit && next < RadauStepper.refactorGrowth * step {
        next = min(step, maxStep)
      }
      proposedStep = next
    }

    acceptStages(step: step)
    tPrevious = t
    t = landsOnLimit ? limit : t + step
    hLast = step
    hasStep = true
    lastRejected = false
    f0Current = false
    jacobianAtCurrentState = false
    consecutiveNewtonFailures = 0
    stats.lastStepSize = step
    return .accepted
  }

  /// Factorises γ/h·I − J and (α + iβ)/h·I − J for step h. False when either is singular.
  private func factorMatrices(step: Double) -> Bool {
    factoredStep = 0
    guard realSolver.factor(jacobian: jacobian.storage, diagonal: RadauIIA5.gamma / step, scale: 1),
          complexSolver.factor(jacobian: jacobian.storage, alpha: RadauIIA5.alpha / step,
                               beta: RadauIIA5.beta / step)
    else { return false }
    factoredStep = step
    return true
  }

  /// The Newton iteration failed (diverged, too slow, or a singular matrix): retry with h·factor,
  /// with a fresh J if the failure happened with one from an earlier step.
  private func rejectNewton(_ step: Double, factor: Double) -> StepOutcome {
    stats.newtonConvergenceFailures += 1
    consecutiveNewtonFailures += 1
    if fixedStep != nil || consecutiveNewtonFailures > 10 { return .failed(.newtonFailed(t: t)) }
    proposedStep = step * factor
    lastRejected = true
    if !jacobianAtCurrentState { mustEvaluateJacobian = true }
    return .rejected
  }

  private func rejectNonFinite(_ step: Double) -> StepOutcome {
    consecutiveNonFinite += 1
    nonFiniteSinceErrorTest = true
    if fixedStep != nil || consecutiveNonFinite > 12 { return .failed(.rhsNotFinite(t: t)) }
    proposedStep = step * 0.25
    lastRejected = true
    return .rejected
  }
}
