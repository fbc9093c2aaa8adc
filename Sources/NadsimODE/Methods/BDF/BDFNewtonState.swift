/// The state of the BDF corrector's Jacobian and LU economy for one integration, and
/// ``BDFNewtonPolicy``'s rules on it: when to evaluate J, when to factorise, how to scale an update
/// made with a stale γ, and whether an iteration has converged or failed. ``BDFStepper`` keeps one;
/// ``EnsembleBDF`` keeps one per lane, so both make the same decisions.
struct BDFNewtonState {
  /// γ of the current LU.
  var gammaLU = 0.0
  /// Estimated contraction rate of the modified Newton iteration.
  var convergenceRate = 1.0
  var stepsSinceFactorization = 0
  var stepsSinceJacobian = 0
  /// J was evaluated during the current step (at its predicted state).
  var jacobianCurrent = false
  var mustFactor = true
  var mustEvaluateJacobian = true

  /// What one corrector iteration's update norm means.
  enum Verdict {
    /// The corrector has converged.
    case converged
    /// Iterate again.
    case iterate
    /// Too many iterations, a growing update, or a non-finite one.
    case failed
  }

  /// A fresh history: J and the LU must be renewed before the first iteration.
  mutating func restart() {
    jacobianCurrent = false
    mustEvaluateJacobian = true
    mustFactor = true
    convergenceRate = 1
  }

  /// Whether the LU must be formed again for a step with `gamma`: asked for, a new J due, too many
  /// steps since the last one, or γ too far from the LU's.
  func needsFactorization(gamma: Double, policy: BDFNewtonPolicy) -> Bool {
    mustFactor || mustEvaluateJacobian
      || stepsSinceFactorization >= policy.stepsPerFactorization
      || abs(gamma / gammaLU - 1) > policy.maxGammaChange
  }

  /// Whether J must be evaluated again when the LU is formed.
  func needsJacobian(policy: BDFNewtonPolicy) -> Bool {
    mustEvaluateJacobian || stepsSinceJacobian >= policy.stepsPerJacobian
  }

  mutating func jacobianEvaluated() {
    jacobianCurrent = true
    mustEvaluateJacobian = false
    stepsSinceJacobian = 0
  }

  mutating func factorized(gamma: Double, succeeded: Bool) {
    gammaLU = gamma
    stepsSinceFactorization = 0
    convergenceRate = 1
    mustFactor = !succeeded
  }

  /// 2/(1 + γ/γ_LU): corrects, to first order, the size of an update made with the LU of γ_LU
  /// (CVODE does the same for direct solvers); 1 when γ = γ_LU.
  func updateScale(gamma: Double) -> Double {
    gamma == gammaLU ? 1 : 2 / (1 + gamma / gammaLU)
  }

  mutating func stepAccepted() {
    stepsSinceFactorization += 1
    stepsSinceJacobian += 1
    jacobianCurrent = false
  }

  /// Judges iteration `iteration` (0 for the first) with update norm `updateNorm` after one with
  /// `previousNorm`: converged when ‖δ‖·min(1, rate)·`testScale` ≤ 1 or ‖δ‖ is at the rounding
  /// floor, the rate being max(``BDFNewtonPolicy/rateDecay``·rate, ‖δₘ‖/‖δₘ₋₁‖) (CVODE's test);
  /// failed after `maxIterations` or when the update grows by more than
  /// ``BDFNewtonPolicy/divergenceRatio``. Counts the iteration (`iteration` += 1) unless it converged.
  mutating func judge(updateNorm: Double, previousNorm: Double, iteration: inout Int, testScale: Double,
                      roundoffFloor: Double, maxIterations: Int, policy: BDFNewtonPolicy) -> Verdict {
    guard updateNorm.isFinite else { return .failed }
    if iteration > 0 { convergenceRate = max(policy.rateDecay * convergenceRate, updateNorm / previousNorm) }
    if updateNorm * min(1, convergenceRate) * testScale <= 1 || updateNorm <= roundoffFloor { return .converged }
    iteration += 1
    if iteration == maxIterations || (iteration >= 2 && updateNorm > policy.divergenceRatio * previousNorm) {
      return .failed
    }
    return .iterate
  }
}
