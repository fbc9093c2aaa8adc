import Foundation

extension EnsembleBDF {
  /// One lane's integration: the task it runs and the scalar state of ``BDFStepper`` (order, step
  /// history, Newton bookkeeping) for that lane. The n-vectors live lane-interleaved in the
  /// integrator's storage; the small per-lane arrays (τ, ξ, l, …) in ``EnsembleBDF/coefficients``.
  struct Lane: LaneTaskState {
    var task: LaneTask?
    var t = 0.0
    var nextStop = 0
    var nextSave = 0
    /// The next stop time, or tEnd (what steps are clipped to).
    var limit = 0.0
    /// The next save time, or +∞.
    var nextSaveTime = Double.infinity
    /// The history must be started afresh at t (a new task, or a stop just changed y).
    var needsRestart = false
    /// Cap on the first step of the next restart (0: none).
    var requestedInitialStep = 0.0
    var needsInitialStep = true
    var minimumRelativeTolerance = 1e-6

    /// Order, step size and their rules (``BDFStepper``'s, one lane).
    var control = BDFStepControl()
    var cachedOrder = 0
    var cachedStep = 0.0
    var cachedErrorConstant = 0.0

    // Newton state.
    /// The corrector's Jacobian and LU economy (``BDFStepper``'s, one lane).
    var newton = BDFNewtonState()
    /// The lane solver holds a factorisation of this lane's matrix (so refactorising the other
    /// lanes must reproduce it).
    var hasFactorization = false

    // The current attempt.
    var h = 0.0
    var tNew = 0.0
    var landsOnLimit = false
    var gamma = 0.0
    var inverseL1 = 0.0
    var errorConstant = 0.0
    var outcome = CorrectorOutcome.diverged
    /// The lane's attempt is in its corrector (predicted, iterating over one or more rounds).
    var inCorrector = false
    /// The lane's iterate needs f at the start of the next round.
    var needsRHS = false
    // The current corrector solve.
    var factorNow = false
    var newJacobian = false
    var beginIteration = false
    var iteration = 0
    var previousNorm = 0.0
    var updateScale = 1.0

    var statistics = SolverStatistics()
    var fallbacks = 0

    /// State after ``BDFStepper/restart(at:initialStep:)`` (the history itself is set by the caller).
    mutating func restart(initialStep: Double) {
      control.restart()
      newton.restart()
      cachedOrder = 0
      control.hScale = 1
      requestedInitialStep = initialStep
      needsInitialStep = true
      control.proposedStep = 0
      needsRestart = false
      inCorrector = false
      needsRHS = false
    }
  }

  /// Lane l's small arrays: τ (past step sizes, most recent first), ξ, the corrector coefficients
  /// l₀…l_q, an order-change polynomial and the τ the coefficients were computed for.
  struct LaneArrays {
    let tau: UnsafeMutablePointer<Double>
    let xi: UnsafeMutablePointer<Double>
    let l: UnsafeMutablePointer<Double>
    let poly: UnsafeMutablePointer<Double>
    let cachedTau: UnsafeMutablePointer<Double>
  }

  func arrays(_ l: Int) -> LaneArrays {
    let base = coefficients + l * 5 * small
    return LaneArrays(tau: base, xi: base + small, l: base + 2 * small, poly: base + 3 * small,
                      cachedTau: base + 4 * small)
  }

  /// Column j of the Nordsieck array (all lanes).
  @inline(__always)
  func column(_ j: Int) -> UnsafeMutablePointer<Lanes> { history + j * n }

  /// Weighted RMS norm of lane l of `v` with this lane's weights.
  func laneNorm(_ v: UnsafePointer<Lanes>, lane l: Int) -> Double {
    var sum = 0.0
    for i in 0..<n {
      let r = v[i][l] * weights[i][l]
      sum += r * r
    }
    return (sum / normCount).squareRoot()
  }

  /// Whether lane l's corrector coefficients were computed for this order, h and step history;
  /// if not, records the new key (``BDFStepper``'s cache, per lane).
  func coefficientsMatch(_ lane: inout Lane, _ a: LaneArrays, h: Double) -> Bool {
    var same = lane.control.q == lane.cachedOrder && h == lane.cachedStep
    if same {
      for k in 0..<lane.control.q where a.cachedTau[k] != a.tau[k] {
        same = false
        break
      }
    }
    if !same {
      lane.cachedOrder = lane.control.q
      lane.cachedStep = h
      for k in 0..<lane.control.q { a.cachedTau[k] = a.tau[k] }
    }
    return same
  }

  /// Raises or lowers lane l's order by one (``BDFStepper``'s order change on one lane).
  func applyOrderChange(_ lane: inout Lane, _ l: Int) {
    let a = arrays(l)
    let q = lane.control.q
    BDFCoefficients.scaledDistances(h: a.tau[0], tau: a.tau + 1, count: q + 1, into: a.xi)
    if lane.control.pendingOrderChange > 0 {
      let k = BDFCoefficients.correctionScale(order: q, xi: a.xi)
      BDFCoefficients.orderChangePolynomial(pastPoints: q - 1, xi: a.xi, into: a.poly)
      let top = column(q + 1)
      for i in 0..<n { top[i][l] = delta[i][l] / k }
      if q >= 2 {
        for j in 2...q {
          let pj = a.poly[j], col = column(j)
          for i in 0..<n { col[i][l] += pj * top[i][l] }
        }
      }
    } else {
      BDFCoefficients.orderChangePolynomial(pastPoints: q - 2, xi: a.xi, into: a.poly)
      let top = column(q)
      if q >= 3 {
        for j in 2...(q - 1) {
          let pj = a.poly[j], col = column(j)
          for i in 0..<n { col[i][l] -= pj * top[i][l] }
        }
      }
      for i in 0..<n { top[i][l] = 0 }
    }
    lane.control.finishOrderChange()
  }

  /// After an accepted step of lane l: η for the next step and whether to change the order
  /// (``BDFStepControl``'s rule, on this lane's columns; weights still those of yₙ₋₁).
  func chooseNextStep(_ lane: inout Lane, _ l: Int, errorNorm: Double) {
    let a = arrays(l)
    let q = lane.control.q
    let n = self.n, delta = self.delta, savedDelta = self.savedDelta, weights = self.weights
    lane.control.chooseNextStep(
      errorNorm: errorNorm, tau: a.tau, xi: a.xi, maxOrder: maxOrder, maxStep: options.maxStepSize,
      thresholds: growthThresholds,
      saveDelta: { for i in 0..<n { savedDelta[i][l] = delta[i][l] } },
      lowerOrderNorm: { laneNorm(column(q), lane: l) },
      higherOrderNorm: { c1, c2 in
        var sum = 0.0
        for i in 0..<n {
          let u = (c1 * delta[i][l] - c2 * savedDelta[i][l]) * weights[i][l]
          sum += u * u
        }
        return (sum / normCount).squareRoot()
      })
  }

  /// The corrector of lane l did not converge with a current Jacobian: cut h by 4 and factorise
  /// again. Returns the code that ends the task, if it must end.
  func convergenceFailure(_ lane: inout Lane, nonFinite: Bool) -> ReturnCode? {
    lane.statistics.newtonConvergenceFailures += 1
    if let failure = lane.control.convergenceFailure(nonFinite: nonFinite, t: lane.t, policy: policy) { return failure }
    lane.newton.mustFactor = true
    return nil
  }

  /// The local error of lane l was too large: shrink h. Returns true when the history must drop
  /// to order 1 (the caller then sets z₁ = h·f(tₙ₋₁, yₙ₋₁)), or a code that ends the task.
  func errorTestFailure(_ lane: inout Lane, _ errorNorm: Double) -> (dropToOrderOne: Bool, failure: ReturnCode?) {
    lane.statistics.errorTestFailures += 1
    return lane.control.errorTestFailure(errorNorm: errorNorm, t: lane.t)
  }

  /// Lane l's solution at `time` (within its last step, which ended at `t` with size `hScale`)
  /// into `laneState`, from its Nordsieck polynomial of order `q` by Horner's rule.
  func interpolate(_ l: Int, order q: Int, end t: Double, step hScale: Double, at time: Double) {
    let x = (time - t) / hScale
    let top = column(q)
    for i in 0..<n { laneState[i] = top[i][l] }
    var j = q - 1
    while j >= 0 {
      let col = column(j)
      for i in 0..<n { laneState[i] = laneState[i] * x + col[i][l] }
      j -= 1
    }
  }
}
