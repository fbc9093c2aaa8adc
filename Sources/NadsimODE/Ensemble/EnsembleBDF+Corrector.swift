extension EnsembleBDF {
  /// One round of the corrector (``BDFStepper/solveCorrector``'s modified Newton iteration and
  /// Jacobian economy, lane by lane) in every lane of `lanesInCorrector`; `starting` marks the lanes
  /// whose attempt was just predicted. Returns the lanes whose corrector ended in this round
  /// (result in `lane[l].outcome`, Δ in `delta`); the others continue in the next round.
  ///
  /// Each lane is at its own point of its own step: a lane that starts its attempt evaluates f at
  /// its prediction while another evaluates f at its second iterate, in the same call of the
  /// right-hand side; then every lane makes one iteration (solve and update). So a lane whose
  /// corrector converges in one iteration moves on to its next step while a neighbour needs a
  /// second one, and every evaluation and solve serves all busy lanes (a lane-synchronous
  /// iteration costs as many rounds per step as the slowest lane needs: 1.7 instead of 1.3 on
  /// nad-human). A lane waiting for a new factorisation or finished is masked out of the updates,
  /// so its numbers are exactly those of its own iteration. When any lane needs a new LU, all lanes
  /// are factorised again, each from its own stored J and its own γ of the last factorisation,
  /// which reproduces the other lanes' factors bit for bit.
  func advanceCorrectors(_ lanesInCorrector: LaneMask, starting: LaneMask, lanes lane: inout [Lane]) -> LaneMask {
    let lanes = EnsembleSystem.lanes
    let z0 = column(0), z1 = column(1)
    var times = Lanes.zero, gamma = Lanes(repeating: 1), inverseL1 = Lanes.zero
    for l in 0..<lanes where lanesInCorrector[l] {
      times[l] = lane[l].tNew
      gamma[l] = lane[l].gamma
      inverseL1[l] = lane[l].inverseL1
    }
    var ended = LaneMask(repeating: false)

    // f at the predictions of starting lanes and at the iterates of continuing ones, in one call.
    var evaluating = starting
    for l in 0..<lanes where lanesInCorrector[l] && lane[l].needsRHS { evaluating[l] = true }
    if any(evaluating) {
      if any(starting) {
        let predicted = LaneSelection(starting)
        for i in 0..<n { iterate[i] = predicted.select(z0[i], iterate[i]) }
      }
      system.rhs(times, iterate, f)
      let finite = finiteLanes(f, count: n)
      if any(starting) {
        let predicted = LaneSelection(starting)
        for i in 0..<n { fPredicted[i] = predicted.select(f[i], fPredicted[i]) }
      }
      for l in 0..<lanes where evaluating[l] {
        lane[l].statistics.rhsEvaluations += 1
        lane[l].needsRHS = false
        if !finite[l] {
          lane[l].outcome = .nonFinite
          ended[l] = true
          continue
        }
        if starting[l] {
          lane[l].factorNow = lane[l].newton.needsFactorization(gamma: lane[l].gamma, policy: policy)
          lane[l].newJacobian = lane[l].newton.needsJacobian(policy: policy)
          lane[l].beginIteration = true
        }
      }
    }
    var active = lanesInCorrector .& .!ended

    // Jacobians and factorisations where a lane needs them.
    var waiting = LaneMask(repeating: false)
    var evaluate = LaneMask(repeating: false), factorize = LaneMask(repeating: false)
    for l in 0..<lanes where active[l] && lane[l].factorNow {
      factorize[l] = true
      if lane[l].newJacobian { evaluate[l] = true }
    }
    if any(evaluate) {
      // J at each lane's prediction (z₀ holds it for the whole attempt), fPredicted beside it.
      let calls = system.evaluateJacobian(t: times, y: z0, f0: fPredicted, atol: atol, into: jacobianScratch,
                                          count: lu.jacobianCount, scratch: residual, work: probe)
      let stored = lu.jacobian
      let chosen = LaneSelection(evaluate)
      for p in 0..<lu.jacobianCount { stored[p] = chosen.select(jacobianScratch[p], stored[p]) }
      for l in 0..<lanes where evaluate[l] {
        lane[l].statistics.jacobianEvaluations += 1
        lane[l].statistics.rhsEvaluationsForJacobian += calls
        lane[l].statistics.rhsEvaluations += calls
        lane[l].newton.jacobianEvaluated()
      }
    }
    if any(factorize) {
      var diagonal = Lanes(repeating: 1)
      var needed = LaneMask(repeating: false)
      for l in 0..<lanes {
        if factorize[l] {
          lane[l].newton.gammaLU = lane[l].gamma
          lane[l].hasFactorization = true
        }
        if lane[l].task != nil && lane[l].hasFactorization {
          diagonal[l] = 1 / lane[l].newton.gammaLU
          needed[l] = true
        }
      }
      let succeeded = lu.factor(diagonal: diagonal, needed: needed)
      let fellBack = lu.fallbackLanes
      for l in 0..<lanes where factorize[l] {
        lane[l].statistics.luFactorizations += 1
        if fellBack[l] { lane[l].fallbacks += 1 }
        lane[l].newton.factorized(gamma: lane[l].gamma, succeeded: succeeded[l])
        lane[l].factorNow = false
        if !succeeded[l] {
          if lane[l].newton.jacobianCurrent {
            lane[l].outcome = .diverged
            ended[l] = true
            active[l] = false
          } else {
            lane[l].factorNow = true
            lane[l].newJacobian = true
            waiting[l] = true
          }
        }
      }
    }

    // One iteration in every lane that is not waiting for its factorisation.
    let iterating = active .& .!waiting
    if any(iterating) {
      var beginning = LaneMask(repeating: false)
      var updateScale = Lanes(repeating: 1), inverseGammaLU = Lanes(repeating: 1)
      for l in 0..<lanes where iterating[l] {
        if lane[l].beginIteration {
          beginning[l] = true
          lane[l].beginIteration = false
          lane[l].iteration = 0
          lane[l].previousNorm = 0
          lane[l].updateScale = lane[l].newton.updateScale(gamma: lane[l].gamma)
        }
        updateScale[l] = lane[l].updateScale
        inverseGammaLU[l] = 1 / lane[l].newton.gammaLU
      }
      if any(beginning) {
        let chosen = LaneSelection(beginning)
        for i in 0..<n {
          delta[i] = chosen.select(.zero, delta[i])
          f[i] = chosen.select(fPredicted[i], f[i])
        }
      }
      // M = I − γ_LU·J is factorised as (1/γ_LU)·I − J, so M⁻¹r = ((1/γ_LU)·I − J)⁻¹(r/γ_LU).
      for i in 0..<n { residual[i] = (gamma * f[i] - inverseL1 * z1[i] - delta[i]) * inverseGammaLU }
      lu.solve(residual)
      var sum = Lanes.zero
      let updating = LaneSelection(iterating)
      for i in 0..<n {
        let d = residual[i] * updateScale
        delta[i] = updating.select(delta[i] + d, delta[i])
        iterate[i] = z0[i] + delta[i]
        let r = d * weights[i]
        sum = sum.addingProduct(r, r)
      }
      let updateNorms = (sum / Lanes(repeating: normCount)).squareRoot()

      var converged = LaneMask(repeating: false)
      for l in 0..<lanes where iterating[l] {
        lane[l].statistics.linearSolves += 1
        lane[l].statistics.newtonIterations += 1
        let updateNorm = updateNorms[l]
        let first = lane[l].iteration == 0
        let testScale = lane[l].errorConstant / policy.convergenceCoefficient
        let roundoffFloor = 4 * Double.ulpOfOne / lane[l].minimumRelativeTolerance
        var iteration = lane[l].iteration
        let verdict = lane[l].newton.judge(updateNorm: updateNorm, previousNorm: lane[l].previousNorm,
                                           iteration: &iteration, testScale: testScale, roundoffFloor: roundoffFloor,
                                           maxIterations: policy.maxIterations, policy: policy)
        lane[l].iteration = iteration
        switch verdict {
        case .converged:
          // The correction's norm: the update itself after one iteration, else ‖Δ‖ (below).
          lane[l].outcome = .converged(updateNorm)
          if !first { converged[l] = true }
          ended[l] = true
          continue
        case .failed:
          if !lane[l].newton.jacobianCurrent {
            // The Jacobian is from an earlier step: renew it and retry this step as it is.
            lane[l].factorNow = true
            lane[l].newJacobian = true
            lane[l].beginIteration = true
          } else {
            lane[l].outcome = .diverged
            ended[l] = true
          }
          continue
        case .iterate:
          break
        }
        lane[l].previousNorm = updateNorm
        lane[l].needsRHS = true
      }
      if any(converged) {
        for l in 0..<lanes where converged[l] { lane[l].outcome = .converged(laneNorm(delta, lane: l)) }
      }
    }
    for l in 0..<lanes where lanesInCorrector[l] { lane[l].inCorrector = !ended[l] }
    return ended
  }
}
