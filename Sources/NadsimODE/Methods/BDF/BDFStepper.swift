import Foundation
import NadsimLinearAlgebra

/// Variable-order (1…5), variable-step BDF for stiff systems, in the manner of CVODE.
///
/// **Formulation.** The solution history is a Nordsieck array (``NordsieckHistory``) of order q;
/// each step predicts it forward (Pascal matrix), solves the corrector for Δ = yₙ − yₙ⁽⁰⁾ and adds
/// Δ·Λ(x), where Λ is the fixed-leading-coefficient corrector polynomial of Jackson & Sacks-Davis
/// built from the actual past step sizes (``BDFCoefficients``). Changing h rescales the array;
/// changing the order adds a polynomial that keeps yₙ, yₙ′ and the past values. Dense output
/// evaluates the array anywhere in [``tPrevious``, ``t``].
///
/// **Corrector.** Modified Newton on Δ − (γ/h)(h f(tₙ, yₙ⁽⁰⁾ + Δ) − z₁⁽⁰⁾) = 0 with M = I − γJ,
/// γ = h/l₁, l₁ = H_q (see ``BDFNewtonPolicy`` for when J and its LU are renewed). Convergence is
/// judged with an estimated contraction rate, at most ``BDFNewtonPolicy/maxIterations`` iterations,
/// to 2 % of the local error tolerance (CVODE: 10 %; see
/// ``BDFNewtonPolicy/convergenceCoefficient``).
///
/// **Error, step and order control.** Local error d ≈ 2·Δ/(ξ_(q+1)·S_q) in the weighted RMS norm
/// (weights from yₙ₋₁; the factor 2 is ``errorCalibration``), accepted when ≤ 1. After q + 1 steps at one order, the errors of orders
/// q − 1 (from z_q) and q + 1 (from the difference of two successive Δ) are estimated too and the
/// order giving the largest next step is taken; the step changes only when it would grow by 50 %
/// or more, as in CVODE. The safety factors 6, 6, 10 and the 10⁻⁶ addend in
/// η = 1/((c·E)^(1/(k+1)) + 10⁻⁶) are CVODE's documented values.
///
/// **Restart.** ``restart(at:initialStep:)`` (the start, and every stop time, where doses change y)
/// forgets the history: order 1, Nordsieck [y, h f], a fresh Jacobian, and a first step chosen by
/// the CVODE initial-step iteration on ‖ÿ‖ (SUNDIALS documentation, "CVODE initial step size"); a
/// requested `initialStep` only caps it (after a dose, the step the loop passes on was planned for
/// order q and the old state; capping instead of trusting it cut the RHS calls of a HIRES run with
/// 15 doses by 7–13 %).
///
/// **Fixed steps** (``StepperConfiguration/fixedStepSize``): order ``StepperConfiguration/maxOrder``
/// from the first step, no error control. The starting Nordsieck array is the degree-q polynomial
/// through y(t₀ + jh), j = 0…q, each computed with 4 Rodas5P steps per h; its scaled derivatives are
/// then accurate to O(h^(q+1)), so the start does not lower the order.
///
/// References: A. C. Hindmarsh et al., "SUNDIALS: Suite of nonlinear and differential/algebraic
/// equation solvers", ACM TOMS 31 (2005) 363–396; the CVODE "Mathematical considerations" chapter
/// of the SUNDIALS documentation; G. D. Byrne & A. C. Hindmarsh, ACM TOMS 1 (1975) 71–96;
/// K. R. Jackson & R. Sacks-Davis, ACM TOMS 6 (1980) 295–318.
public final class BDFStepper: Stepper {
  let system: ODESystem
  let n: Int
  let maxOrder: Int
  let fixedStep: Double?
  let maxStep: Double
  let norm: ErrorNorm
  let jacobian: JacobianEvaluator
  let linear: LinearSolver
  let history: NordsieckHistory
  let policy = BDFNewtonPolicy()
  /// The smallest rtol of any component (sets the rounding floor of the Newton test).
  let minimumRelativeTolerance: Double

  @exclusivity(unchecked) public private(set) var t = 0.0
  @exclusivity(unchecked) public private(set) var tPrevious = 0.0
  public let y: UnsafeMutablePointer<Double>
  public var proposedStep: Double { control.proposedStep }

  // MARK: Buffers (one allocation, see init)
  private let workspace: Workspace
  /// Δ of the current attempt; after an accepted step, Δₙ (needed to raise the order).
  let delta: UnsafeMutablePointer<Double>
  /// Δ of the step before, kept for the order q + 1 estimate.
  let savedDelta: UnsafeMutablePointer<Double>
  /// Newton iterate yₙ⁽⁰⁾ + Δ.
  let iterate: UnsafeMutablePointer<Double>
  /// f at the current iterate.
  let f: UnsafeMutablePointer<Double>
  /// f at the predicted state (reused when a failed iteration is retried with a new Jacobian).
  let fPredicted: UnsafeMutablePointer<Double>
  /// Newton right-hand side / update.
  let residual: UnsafeMutablePointer<Double>
  /// Error weights 1/(atol + rtol·|yₙ₋₁|).
  let weights: UnsafeMutablePointer<Double>
  /// Past step sizes, most recent first (maxOrder + 3 entries).
  let tau: UnsafeMutablePointer<Double>
  /// Scaled distances ξⱼ to past points (maxOrder + 3 entries).
  let xi: UnsafeMutablePointer<Double>
  /// Corrector coefficients l₀…l_q.
  let l: UnsafeMutablePointer<Double>
  /// Coefficients of an order-change polynomial.
  let poly: UnsafeMutablePointer<Double>
  /// The step history `l` was last computed for (see `coefficientsMatch`).
  let cachedTau: UnsafeMutablePointer<Double>
  /// (c·E)^(1/k) ≤ 1/1.5 − 10⁻⁶ ⇔ η ≥ 1.5: thresholds[k] = (1/1.5 − 10⁻⁶)^k, so that the pow of
  /// the step-size formula is evaluated only when the step will actually change.
  let growthThresholds: UnsafeMutablePointer<Double>

  // MARK: Step state
  // The mutable state below is touched only by this class's own methods, never passed inout, so
  // its dynamic exclusivity checks (a runtime call per access, ~6 % of a HIRES solve) are off.
  /// Order, step size and their rules (shared with ``EnsembleBDF``'s lanes).
  @exclusivity(unchecked) var control = BDFStepControl()
  @exclusivity(unchecked) var needsInitialStep = true

  // MARK: Newton state
  /// The corrector's Jacobian and LU economy (shared with ``EnsembleBDF``'s lanes).
  @exclusivity(unchecked) var newton = BDFNewtonState()

  // MARK: Counters
  @exclusivity(unchecked) var rhsCalls = 0
  @exclusivity(unchecked) var stats = SolverStatistics()
  /// Rodas5P stepper for the fixed-step starting values (fixed-step mode only).
  let starter: RosenbrockStepper?
  let startValues: UnsafeMutablePointer<Double>?

  public init(configuration: StepperConfiguration) {
    system = configuration.system
    n = system.dimension
    maxOrder = max(1, min(5, configuration.maxOrder))
    fixedStep = configuration.fixedStepSize
    maxStep = configuration.maxStepSize
    let columns = maxOrder + 1
    let small = maxOrder + 3
    workspace = Workspace(capacity: n * (columns + 10) + 6 * small)
    norm = ErrorNorm(tolerances: configuration.tolerances, dimension: n, workspace: workspace)
    minimumRelativeTolerance = configuration.tolerances.tightestRelative
    y = workspace.take(n)
    history = NordsieckHistory(base: workspace.take(n * columns), n: n, maxOrder: maxOrder)
    delta = workspace.take(n)
    savedDelta = workspace.take(n)
    iterate = workspace.take(n)
    f = workspace.take(n)
    fPredicted = workspace.take(n)
    residual = workspace.take(n)
    weights = workspace.take(n)
    tau = workspace.take(small)
    xi = workspace.take(small)
    l = workspace.take(small)
    poly = workspace.take(small)
    cachedTau = workspace.take(small)
    growthThresholds = workspace.take(small)
    BDFStepControl.fillGrowthThresholds(growthThresholds, count: small, policy: policy)
    jacobian = JacobianEvaluator(system: system)
    linear = makeLinearSolver(dimension: n, structure: system.jacobianStructure)
    if let h = configuration.fixedStepSize {
      var starterConfiguration = configuration
      starterConfiguration.fixedStepSize = h / Double(BDFStepper.startSubsteps)
      starter = RosenbrockStepper(configuration: starterConfiguration, tableau: .rodas5P)
      let values = UnsafeMutablePointer<Double>.allocate(capacity: n * columns)
      values.initialize(repeating: 0, count: n * columns)
      startValues = values
    } else {
      starter = nil
      startValues = nil
    }
  }

  deinit { startValues?.deallocate() }

  public var statistics: SolverStatistics {
    var st = stats
    st.rhsEvaluations = rhsCalls + jacobian.rhsEvaluations
    st.rhsEvaluationsForJacobian = jacobian.rhsEvaluations
    st.jacobianEvaluations = jacobian.evaluations
    st.luFactorizations = linear.factorizations
    st.linearSolves = linear.solves
    if let starter {
      let s = starter.statistics
      st.rhsEvaluations += s.rhsEvaluations
      st.rhsEvaluationsForJacobian += s.rhsEvaluationsForJacobian
      st.jacobianEvaluations += s.jacobianEvaluations
      st.luFactorizations += s.luFactorizations
      st.linearSolves += s.linearSolves
    }
    return st
  }

  // MARK: - Restart

  public func restart(at t0: Double, initialStep: Double) -> ReturnCode? {
    t = t0
    tPrevious = t0
    control.restart()
    newton.restart()
    cachedOrder = 0
    norm.weights(from: y, into: weights)
    for i in 0..<n { delta[i] = 0 }

    if let h = fixedStep {
      if let failure = startFixedStep(at: t0, step: h) { return failure }
      control.proposedStep = h
      needsInitialStep = false
      if stats.initialStepSize == 0 { stats.initialStepSize = h }
      return nil
    }

    // Order 1: z = [y, h f]; stored with h = 1 until the first step size is known.
    let z0 = history.column(0), z1 = history.column(1)
    system.rhs(t0, y, z1)
    rhsCalls += 1
    guard allFinite(z1, n) else { return .rhsNotFinite(t: t0) }
    for i in 0..<n { z0[i] = y[i] }
    control.hScale = 1
    requestedInitialStep = initialStep
    needsInitialStep = true
    control.proposedStep = 0  // chosen on the first attempt (it needs the limit)
    return nil
  }

  /// The first step requested at the last restart (0: choose).
  @exclusivity(unchecked) var requestedInitialStep = 0.0
  @exclusivity(unchecked) var cachedOrder = 0
  @exclusivity(unchecked) var cachedStep = 0.0
  @exclusivity(unchecked) var cachedErrorConstant = 0.0

  // MARK: - One step

  public func attemptStep(limit: Double) -> StepOutcome {
    if needsInitialStep {
      // A requested first step is an upper bound: after a stop time the loop passes on the step
      // planned before the discontinuity, made for order q and the old solution; order 1 on the
      // new state may need much less (after a dose, typically 10⁻³ of it).
      var h0 = firstStepSize(limit: limit)
      if requestedInitialStep > 0 { h0 = min(h0, requestedInitialStep) }
      h0 = min(h0, maxStep)
      control.eta = h0 / control.hScale
      for k in 0..<(maxOrder + 3) { tau[k] = h0 }
      needsInitialStep = false
      stats.initialStepSize = min(h0, limit - t)  // of this start; the loop reports the solve's
    }
    if control.pendingOrderChange != 0 { applyOrderChange() }

    // Step size: the planned one, shortened to land on `limit` exactly.
    var h = fixedStep ?? min(control.hScale * control.eta, maxStep)
    var landsOnLimit = false
    if t + h * (1 + 1e-10) >= limit {
      h = limit - t
      landsOnLimit = true
    }
    if !(h > 16 * t.ulp.magnitude) {
      // Steps that shrank to nothing right after non-finite evaluations: the RHS is the cause.
      return .failed(control.nonFiniteSinceErrorTest ? .rhsNotFinite(t: t) : .stepSizeUnderflow(t: t))
    }
    if h != control.hScale {
      history.rescale(order: control.q, by: h / control.hScale)
      control.hScale = h
    }
    control.eta = 1
    let tNew = landsOnLimit ? limit : t + h

    // l and the error coefficient depend on q, h and the last q steps only: while those repeat
    // (h is kept unless it can grow by 50 %), the last values serve.
    if !coefficientsMatch(order: control.q, h: h) {
      BDFCoefficients.scaledDistances(h: h, tau: tau, count: control.q + 1, into: xi)
      BDFCoefficients.corrector(order: control.q, xi: xi, into: l)
      cachedErrorConstant = BDFStepper.errorCalibration
        * BDFCoefficients.errorPerCorrection(order: control.q, xi: xi)
    }
    let errorConstant = cachedErrorConstant
    let l1 = l[1]
    let gamma = h / l1

    history.predict(order: control.q)
    let outcome = solveCorrector(t: tNew, gamma: gamma, inverseL1: 1 / l1,
                                 errorConstant: errorConstant)
    guard case .converged(let correctionNorm) = outcome else {
      history.undoPrediction(order: control.q)
      return handleConvergenceFailure(nonFinite: outcome == .nonFinite)
    }

    // Local error test.
    let errorNorm = correctionNorm * errorConstant
    if fixedStep == nil && errorNorm > 1 {
      history.undoPrediction(order: control.q)
      return handleErrorTestFailure(errorNorm)
    }

    // Accept.
    history.correct(order: control.q, l: l, delta: delta)
    var k = maxOrder + 2
    while k > 0 {
      tau[k] = tau[k - 1]
      k -= 1
    }
    tau[0] = h
    tPrevious = t
    t = tNew
    let z0 = history.column(0)
    for i in 0..<n { y[i] = z0[i] }
    stats.lastStepSize = h
    stats.lastOrder = control.q
    newton.stepAccepted()
    control.consecutiveNonFinite = 0
    chooseNextStep(errorNorm: errorNorm)
    norm.weights(from: y, into: weights)
    control.errorFailures = 0
    control.convergenceFailures = 0
    return .accepted
  }

  /// Whether `l` and `cachedErrorConstant` were computed for this order, h and step history;
  /// if not, records the new key (the caller then recomputes them).
  @inline(__always)
  private func coefficientsMatch(order q: Int, h: Double) -> Bool {
    var same = control.q == cachedOrder && h == cachedStep
    if same {
      for k in 0..<control.q where cachedTau[k] != tau[k] {
        same = false
        break
      }
    }
    if !same {
      cachedOrder = control.q
      cachedStep = h
      for k in 0..<control.q { cachedTau[k] = tau[k] }
    }
    return same
  }

  public func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>) {
    history.evaluate(order: control.q, at: (time - t) / control.hScale, into: out)
  }

  // MARK: - Failures

  /// The corrector did not converge with a current Jacobian: cut h by 4 and factorise again.
  private func handleConvergenceFailure(nonFinite: Bool) -> StepOutcome {
    stats.newtonConvergenceFailures += 1
    if let failure = control.convergenceFailure(nonFinite: nonFinite, t: t, policy: policy, mayRetry: fixedStep == nil) {
      return .failed(failure)
    }
    newton.mustFactor = true
    return .rejected
  }

  /// The local error was too large: shrink h (and after repeated failures drop to order 1).
  private func handleErrorTestFailure(_ errorNorm: Double) -> StepOutcome {
    stats.errorTestFailures += 1
    let (dropToOrderOne, failure) = control.errorTestFailure(errorNorm: errorNorm, t: t)
    if let failure { return .failed(failure) }
    if dropToOrderOne {
      // Restart the polynomial at order 1 from (tₙ₋₁, yₙ₋₁) and f there.
      let z1 = history.column(1)
      system.rhs(t, y, z1)
      rhsCalls += 1
      for i in 0..<n { z1[i] *= control.hScale }
    }
    return .rejected
  }

  /// Factor on every local-error estimate (orders q − 1, q, q + 1). The estimates of
  /// ``BDFCoefficients`` leave out the error the FLC step inherits from the old polynomial (see
  /// there) and rely on the stiff-limit relation; measured against the exact local solution
  /// (Rodas5P at rtol 1e-13 from each accepted yₙ₋₁), the true local error exceeded the tolerance
  /// on 5–24 % of the steps of OREGO, VDPOL, HIRES and ROBER at rtol 1e-6 without this factor,
  /// and on 1–5 % with it. It costs ~10 % more steps; over rtol bands around 1e-6 and 1e-9 the
  /// final-time accuracy (mescd) on the five Bari problems is then 0.1–0.7 digits above CVODE's at
  /// the same tolerance, except ROBER near 1e-9 (0.2 below).
  static let errorCalibration = 2.0
  static let startSubsteps = 4

  // MARK: - Next step size and order

  /// After an accepted step: the factor η for the next step and whether to change the order
  /// (``BDFStepControl/chooseNextStep(errorNorm:tau:xi:maxOrder:maxStep:thresholds:saveDelta:lowerOrderNorm:higherOrderNorm:)``).
  private func chooseNextStep(errorNorm: Double) {
    if fixedStep != nil {
      control.eta = 1
      control.proposedStep = control.hScale
      return
    }
    let n = self.n, delta = self.delta, savedDelta = self.savedDelta, weights = self.weights
    control.chooseNextStep(
      errorNorm: errorNorm, tau: tau, xi: xi, maxOrder: maxOrder, maxStep: maxStep, thresholds: growthThresholds,
      saveDelta: { for i in 0..<n { savedDelta[i] = delta[i] } },
      lowerOrderNorm: { norm(history.column(control.q), weights: weights) },
      higherOrderNorm: { a, b in
        var sum = 0.0
        for i in 0..<n {
          let u = (a * delta[i] - b * savedDelta[i]) * weights[i]
          sum += u * u
        }
        return (sum / Double(n)).squareRoot()
      })
  }

  /// Raises or lowers q by one, keeping yₙ, hyₙ′ and the last past values (see
  /// ``BDFCoefficients/orderChangePolynomial(pastPoints:xi:into:)``).
  private func applyOrderChange() {
    BDFCoefficients.scaledDistances(h: tau[0], tau: tau + 1, count: control.q + 1, into: xi)
    if control.pendingOrderChange > 0 {
      // New top column c ≈ h^(q+1) y^(q+1)/(q+1)! = Δₙ/P_(q+1).
      let k = BDFCoefficients.correctionScale(order: control.q, xi: xi)
      BDFCoefficients.orderChangePolynomial(pastPoints: control.q - 1, xi: xi, into: poly)
      let top = history.column(control.q + 1)
      for i in 0..<n { top[i] = delta[i] / k }
      if control.q >= 2 {
        for j in 2...control.q {
          let pj = poly[j], col = history.column(j)
          for i in 0..<n { col[i] += pj * top[i] }
        }
      }
    } else {
      BDFCoefficients.orderChangePolynomial(pastPoints: control.q - 2, xi: xi, into: poly)
      let top = history.column(control.q)
      if control.q >= 3 {
        for j in 2...(control.q - 1) {
          let pj = poly[j], col = history.column(j)
          for i in 0..<n { col[i] -= pj * top[i] }
        }
      }
      for i in 0..<n { top[i] = 0 }
    }
    control.finishOrderChange()
  }
}

