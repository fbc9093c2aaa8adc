import Foundation

/// The BDF's step-size and order rules (CVODE's) on the scalar state of one integration: what
/// happens after an accepted step, a failed error test and a failed corrector. ``BDFStepper``
/// keeps one; ``EnsembleBDF`` keeps one per lane. The two store their n-vectors differently
/// (contiguous, or lane-interleaved), so the few vector quantities the rules need come in as
/// closures; every decision is made here, once.
///
/// **After an accepted step** (``chooseNextStep(errorNorm:tau:xi:maxOrder:maxStep:thresholds:saveDelta:lowerOrderNorm:higherOrderNorm:)``):
/// η = 1/((6E)^(1/(q+1)) + 10⁻⁶) from the local error E. After q + 1 steps at one order the
/// errors of orders q − 1 and q + 1 are estimated too (from ‖z_q‖ and from the difference of the
/// last two corrections) and the order giving the largest η is chosen. η counts only if it
/// reaches the growth threshold (1.5); otherwise the step is kept. A step right after a failure
/// keeps h and q.
/// **After a failed error test**: η from E, at least 0.1 and at most 0.2 from the second failure
/// on; after three, order 1 and η = 0.1. **After a failed corrector** (with a current Jacobian):
/// η = ``BDFNewtonPolicy/convergenceFailureFactor``.
///
/// References: A. C. Hindmarsh et al., ACM TOMS 31 (2005) 363–396; the CVODE "Mathematical
/// considerations" chapter of the SUNDIALS documentation.
struct BDFStepControl {
  /// Current order q.
  var q = 1
  /// The step size the Nordsieck array is scaled with (the last step taken or attempted).
  var hScale = 1.0
  /// Factor for the next step: h = hScale·eta.
  var eta = 1.0
  /// Order change chosen after the last accepted step, applied when the next attempt begins (so
  /// that dense output on the last step still sees that step's polynomial).
  var pendingOrderChange = 0
  /// Steps left before an order change may be considered.
  var qwait = 2
  /// Largest growth factor allowed for the next step.
  var etaMax = 1e4
  /// The next step size (hScale·eta, once chosen).
  var proposedStep = 0.0
  /// Whether the correction Δ of an earlier step is kept for the order q + 1 estimate, and the
  /// correction scale K and step size h of that step.
  var savedDeltaValid = false
  var savedDeltaScale = 1.0
  var savedDeltaStep = 1.0
  /// Failures during the current step.
  var errorFailures = 0
  var convergenceFailures = 0
  var consecutiveNonFinite = 0
  /// Whether a non-finite evaluation caused a rejection since the last error-test failure.
  var nonFiniteSinceErrorTest = false

  static let maxErrorTestFailures = 7
  /// Rejections in a row caused by non-finite evaluations before the solve stops.
  static let maxConsecutiveNonFinite = 12

  /// The rules' state for a fresh history at order 1 (the caller sets hScale and the first step).
  mutating func restart() {
    q = 1
    qwait = 2
    pendingOrderChange = 0
    savedDeltaValid = false
    etaMax = 1e4
    eta = 1
    errorFailures = 0
    convergenceFailures = 0
    consecutiveNonFinite = 0
    nonFiniteSinceErrorTest = false
  }

  /// Records the order change the caller has just made to its history (q ± 1).
  mutating func finishOrderChange() {
    q += pendingOrderChange > 0 ? 1 : -1
    pendingOrderChange = 0
    qwait = q + 1
    savedDeltaValid = false
  }

  /// After an accepted step with local error `errorNorm`: the factor η for the next step, the
  /// proposed step and whether to change the order (``pendingOrderChange``).
  ///
  /// - Parameters:
  ///   - tau: past step sizes, most recent (the step just taken) first.
  ///   - xi: scratch for the scaled distances (maxOrder + 3 entries).
  ///   - thresholds: ``fillGrowthThresholds(_:count:policy:)``'s table.
  ///   - saveDelta: copies this step's correction Δ to the caller's saved correction.
  ///   - lowerOrderNorm: the weighted RMS norm of Nordsieck column q.
  ///   - higherOrderNorm: the weighted RMS norm of a·Δ − b·(saved Δ), for (a, b).
  @inline(__always)
  mutating func chooseNextStep(
    errorNorm: Double, tau: UnsafePointer<Double>, xi: UnsafeMutablePointer<Double>, maxOrder: Int,
    maxStep: Double, thresholds: UnsafePointer<Double>, saveDelta: () -> Void,
    lowerOrderNorm: () -> Double, higherOrderNorm: (Double, Double) -> Double
  ) {
    qwait -= 1
    if qwait == 1 && q < maxOrder {
      // Keep this Δ: next step compares it with its own to estimate the order-(q+1) error.
      saveDelta()
      BDFCoefficients.scaledDistances(h: tau[0], tau: tau + 1, count: q + 1, into: xi)
      savedDeltaScale = BDFCoefficients.correctionScale(order: q, xi: xi)
      savedDeltaStep = tau[0]
      savedDeltaValid = true
    }
    if etaMax == 1 {
      // A failure happened in this step: keep h and q for one more step (CVODE does the same).
      eta = 1
      qwait = max(qwait, 2)
      etaMax = 10
      proposedStep = hScale
      return
    }
    let etaQ = Self.growthFactor(6 * errorNorm, root: q + 1, thresholds: thresholds)
    var best = etaQ
    var change = 0
    if qwait <= 0 {
      qwait = 2
      // ξ relative to the step just taken.
      BDFCoefficients.scaledDistances(h: tau[0], tau: tau + 1, count: q + 2, into: xi)
      var etaDown = 0.0
      if q > 1 {
        let e = BDFStepper.errorCalibration * lowerOrderNorm()
          * BDFCoefficients.errorPerScaledDerivative(order: q - 1, xi: xi)
        etaDown = Self.growthFactor(6 * e, root: q, thresholds: thresholds)
      }
      var etaUp = 0.0
      if q < maxOrder && savedDeltaValid {
        let k = BDFCoefficients.correctionScale(order: q, xi: xi)
        let r = pow(tau[0] / savedDeltaStep, Double(q + 1))
        let e = BDFStepper.errorCalibration * higherOrderNorm(1 / k, r / savedDeltaScale) / Double(q + 2)
          * BDFCoefficients.errorPerScaledDerivative(order: q + 1, xi: xi)
        etaUp = Self.growthFactor(10 * e, root: q + 2, thresholds: thresholds)
      }
      if etaDown > best && etaDown >= etaUp {
        best = etaDown
        change = -1
      } else if etaUp > best {
        best = etaUp
        change = 1
      }
    }
    if best == 0 {
      eta = 1
      change = 0
    } else {
      eta = min(best, etaMax)
    }
    etaMax = 10
    pendingOrderChange = change
    if hScale * eta > maxStep { eta = maxStep / hScale }
    proposedStep = hScale * eta
  }

  /// Writes thresholds[k] = (1/g − 10⁻⁶)^k for k < `count` (g: the policy's growth threshold), the
  /// table ``chooseNextStep(errorNorm:tau:xi:maxOrder:maxStep:thresholds:saveDelta:lowerOrderNorm:higherOrderNorm:)`` takes:
  /// (c·E)^(1/k) ≤ 1/g − 10⁻⁶ ⇔ η ≥ g.
  static func fillGrowthThresholds(_ thresholds: UnsafeMutablePointer<Double>, count: Int, policy: BDFNewtonPolicy) {
    for k in 0..<count { thresholds[k] = pow(1 / policy.growthThreshold - 1e-6, Double(k)) }
  }

  /// η = 1/(x^(1/root) + 10⁻⁶) for x = c·E, or 0 when that η would be below the growth threshold
  /// (so the pow is skipped when the step will not change).
  @inline(__always)
  static func growthFactor(_ x: Double, root: Int, thresholds: UnsafePointer<Double>) -> Double {
    guard x <= thresholds[root] else { return 0 }
    return 1 / (pow(x, 1 / Double(root)) + 1e-6)
  }

  /// The corrector failed with a current Jacobian at time `t`: η = 1/4 for the retry (the caller
  /// factorises again), or the code that ends the solve (too many failures, a retry not allowed,
  /// or too many non-finite evaluations in a row).
  mutating func convergenceFailure(nonFinite: Bool, t: Double, policy: BDFNewtonPolicy, mayRetry: Bool = true) -> ReturnCode? {
    convergenceFailures += 1
    if nonFinite {
      consecutiveNonFinite += 1
      nonFiniteSinceErrorTest = true
      if consecutiveNonFinite > Self.maxConsecutiveNonFinite { return .rhsNotFinite(t: t) }
    }
    if !mayRetry || convergenceFailures >= policy.maxConvergenceFailures {
      return nonFinite ? .rhsNotFinite(t: t) : .newtonFailed(t: t)
    }
    eta = policy.convergenceFailureFactor
    etaMax = 1
    proposedStep = hScale * eta
    return nil
  }

  /// The local error `errorNorm` (> 1) failed the test at time `t`: the smaller η, or the code that
  /// ends the solve. `dropToOrderOne`: the order fell to 1 (after three failures, as in CVODE: the
  /// history is distrusted) and the caller must set z₁ = h·f(tₙ₋₁, yₙ₋₁).
  mutating func errorTestFailure(errorNorm: Double, t: Double) -> (dropToOrderOne: Bool, failure: ReturnCode?) {
    nonFiniteSinceErrorTest = false
    errorFailures += 1
    etaMax = 1
    if errorFailures >= Self.maxErrorTestFailures { return (false, .stepSizeUnderflow(t: t)) }
    var drop = false
    if errorFailures > 3 {
      if q > 1 {
        q = 1
        qwait = 2
        savedDeltaValid = false
        pendingOrderChange = 0
        drop = true
      }
      eta = 0.1
    } else {
      eta = 1 / (pow(6 * errorNorm, 1 / Double(q + 1)) + 1e-6)
      eta = max(0.1, eta)
      if errorFailures >= 2 { eta = min(eta, 0.2) }
    }
    proposedStep = hScale * eta
    return (drop, nil)
  }
}
