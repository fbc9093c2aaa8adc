import NadsimLinearAlgebra

/// When the BDF corrector renews its Jacobian and its LU, and when it gives up: CVODE's economy
/// (Hindmarsh et al., ACM TOMS 31 (2005) 363, §2.1; CVODE documentation, "Mathematical
/// considerations", with its default values).
///
/// - The LU of M = I − γJ is kept while it serves. It is redone when γ has changed by more than
///   ``maxGammaChange`` since it was formed (M is then too far from the true Newton matrix for the
///   iteration to contract well), every ``stepsPerFactorization`` accepted steps, and after a
///   convergence failure.
/// - J itself is kept longer: it is evaluated again only every ``stepsPerJacobian`` accepted steps,
///   or when the iteration fails to converge with a J from an earlier step (then the same step is
///   retried at once with a fresh J, before any step-size cut).
/// - A failure with a current J cuts h by ``convergenceFailureFactor``; ``maxConvergenceFailures``
///   failures in one step end the solve with ``ReturnCode/newtonFailed(t:)``.
struct BDFNewtonPolicy {
  var maxGammaChange = 0.3
  var stepsPerFactorization = 20
  var stepsPerJacobian = 50
  /// Corrector iterations allowed per attempt.
  var maxIterations = 3
  /// The iteration stops when the estimated remaining error, in units of the local error test,
  /// is below this fraction (CVODE's `nlscoef`, whose default is 0.1). Measured on the five Bari
  /// stiff problems at rtol 1e-4, 1e-6, 1e-8, 1e-10, going from 0.1 to 0.02 costs ~0.3 more
  /// iterations per step but removes two thirds of the error-test failures (ROBER at 1e-10:
  /// 276 → 4) and half the refactorisations, and steadies the order and step-size choices (they
  /// difference successive corrections): 26 % fewer steps, 17 % fewer RHS calls, 23 % fewer
  /// instructions, and slightly better final-time accuracy (mean mescd 6.08 → 6.36).
  var convergenceCoefficient = 0.02
  /// Rate floor: the rate estimate decays by this factor per iteration (CVODE's CRDOWN).
  var rateDecay = 0.3
  /// Divergence: an update more than this times the previous one stops the iteration.
  var divergenceRatio = 2.0
  var convergenceFailureFactor = 0.25
  var maxConvergenceFailures = 10
  /// A step grows only if the error estimates allow at least this factor (CVODE's THRESH).
  var growthThreshold = 1.5
}

/// How one corrector solve ended.
enum CorrectorOutcome: Equatable {
  /// Converged; the weighted RMS norm of Δ.
  case converged(Double)
  case diverged
  case nonFinite
}

extension BDFStepper {
  /// Solves the corrector equation for Δ (into `delta`) from the prediction in the Nordsieck array.
  ///
  /// With z⁽⁰⁾ the predicted array, the step must satisfy h f(tₙ, z₀⁽⁰⁾ + Δ) = z₁⁽⁰⁾ + l₁Δ. Each
  /// modified-Newton iteration solves M·δ = γ f − z₁⁽⁰⁾/l₁ − Δ with the stored LU (formed at γ_LU);
  /// when γ ≠ γ_LU the update is scaled by 2/(1 + γ/γ_LU), which corrects its size to first order
  /// (CVODE does the same for direct solvers). Convergence: ‖δ‖·min(1, rate)·E_q ≤ 0.1, the rate
  /// being max(0.3·rate, ‖δₘ‖/‖δₘ₋₁‖) (CVODE's test).
  func solveCorrector(t tNew: Double, gamma: Double, inverseL1: Double, errorConstant: Double)
    -> CorrectorOutcome
  {
    let n = n
    let z0 = history.column(0), z1 = history.column(1)
    let delta = delta, iterate = iterate, f = f, fPredicted = fPredicted
    let residual = residual, weights = weights

    system.rhs(tNew, z0, fPredicted)
    rhsCalls += 1
    if !allFinite(fPredicted, n) { return .nonFinite }

    var factorNow = newton.needsFactorization(gamma: gamma, policy: policy)
    var newJacobian = newton.needsJacobian(policy: policy)
    // With a fixed step the iteration cannot fall back on a smaller h, and convergence-order
    // studies run at tolerances near roundoff: let it contract for longer.
    let maxIterations = fixedStep == nil ? policy.maxIterations : 4 * policy.maxIterations
    let testScale = errorConstant / policy.convergenceCoefficient
    // An update at the rounding level of y cannot shrink further: in the weighted norm that level
    // is at most u·|y|/(rtol·|y|) = u/rtol per component (weights 1/(atol + rtol|y|)).
    let roundoffFloor = 4 * Double.ulpOfOne / minimumRelativeTolerance

    while true {
      if factorNow {
        if newJacobian {
          jacobian.evaluate(t: tNew, y: z0, f0: fPredicted, atol: norm.atol)
          newton.jacobianEvaluated()
        }
        let ok = linear.factor(jacobian: jacobian.storage, diagonal: 1, scale: gamma)
        newton.factorized(gamma: gamma, succeeded: ok)
        if !ok {
          if newton.jacobianCurrent { return .diverged }
          factorNow = true
          newJacobian = true
          continue
        }
      }
      let updateScale = newton.updateScale(gamma: gamma)

      for i in 0..<n {
        delta[i] = 0
        f[i] = fPredicted[i]
      }
      var previousNorm = 0.0
      var m = 0
      var failed = false
      while true {
        for i in 0..<n { residual[i] = gamma * f[i] - inverseL1 * z1[i] - delta[i] }
        linear.solve(residual)
        stats.newtonIterations += 1
        var sum = 0.0
        for i in 0..<n {
          let d = residual[i] * updateScale
          delta[i] += d
          iterate[i] = z0[i] + delta[i]
          let r = d * weights[i]
          sum += r * r
        }
        let updateNorm = (sum / Double(n)).squareRoot()
        let first = m == 0
        switch newton.judge(updateNorm: updateNorm, previousNorm: previousNorm, iteration: &m, testScale: testScale,
                            roundoffFloor: roundoffFloor, maxIterations: maxIterations, policy: policy) {
        case .converged:
          // The correction's norm: the update itself after one iteration, else ‖Δ‖.
          return .converged(first ? updateNorm : norm(delta, weights: weights))
        case .failed:
          failed = true
        case .iterate:
          break
        }
        if failed { break }
        previousNorm = updateNorm
        system.rhs(tNew, iterate, f)
        rhsCalls += 1
        if !allFinite(f, n) { return .nonFinite }
      }
      if failed && !newton.jacobianCurrent {
        // The Jacobian is from an earlier step: renew it and retry this step as it is.
        factorNow = true
        newJacobian = true
        continue
      }
      return .diverged
    }
  }
}
