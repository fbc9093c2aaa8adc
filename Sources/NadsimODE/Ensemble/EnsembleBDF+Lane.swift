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

    // Step state (``BDFStepper``'s, one lane).
    var q = 1
    var hScale = 1.0
    var eta = 1.0
    var pendingOrderChange = 0
    var qwait = 2
    var etaMax = 1e4
    var proposedStep = 0.0
    var savedDeltaValid = false
    var savedDeltaScale = 1.0
    var savedDeltaStep = 1.0
    var errorFailures = 0
    var convergenceFailures = 0
    var consecutiveNonFinite = 0
    var nonFiniteSinceErrorTest = false
    var cachedOrder = 0
    var cachedStep = 0.0
    var cachedErrorConstant = 0.0

    // Newton state.
    var gammaLU = 0.0
    /// The lane solver holds a factorisation of this lane's matrix (so refactorising the other
    /// lanes must reproduce it).
    var hasFactorization = false
    var convergenceRate = 1.0
    var stepsSinceFactorization = 0
    var stepsSinceJacobian = 0
    var jacobianCurrent = false
    var mustFactor = true
    var mustEvaluateJacobian = true

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
      jacobianCurrent = false
      mustEvaluateJacobian = true
      mustFactor = true
      convergenceRate = 1
      cachedOrder = 0
      hScale = 1
      requestedInitialStep = initialStep
      needsInitialStep = true
      proposedStep = 0
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
    return (sum / Double(n)).squareRoot()
  }

  /// Whether lane l's corrector coefficients were computed for this order, h and step history;
  /// if not, records the new key (``BDFStepper``'s cache, per lane).
  func coefficientsMatch(_ lane: inout Lane, _ a: LaneArrays, h: Double) -> Bool {
    var same = lane.q == lane.cachedOrder && h == lane.cachedStep
    if same {
      for k in 0..<lane.q where a.cachedTau[k] != a.tau[k] {
        same = false
        break
      }
    }
    if !same {
      lane.cachedOrder = lane.q
      lane.cachedStep = h
      for k in 0..<lane.q { a.cachedTau[k] = a.tau[k] }
    }
    return same
  }

  /// Raises or lowers lane l's order by one (``BDFStepper``'s order change on one lane).
  func applyOrderChange(_ lane: inout Lane, _ l: Int) {
    let a = arrays(l)
    let q = lane.q
    BDFCoefficients.scaledDistances(h: a.tau[0], tau: a.tau + 1, count: q + 1, into: a.xi)
    if lane.pendingOrderChange > 0 {
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
      lane.q += 1
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
      lane.q -= 1
    }
    lane.pendingOrderChange = 0
    lane.qwait = lane.q + 1
    lane.savedDeltaValid = false
  }

  /// After an accepted step of lane l: η for the next step and whether to change the order
  /// (``BDFStepper``'s rule; weights still those of yₙ₋₁).
  func chooseNextStep(_ lane: inout Lane, _ l: Int, errorNorm: Double) {
    let a = arrays(l)
    let q = lane.q
    lane.qwait -= 1
    if lane.qwait == 1 && q < maxOrder {
      for i in 0..<n { savedDelta[i][l] = delta[i][l] }
      BDFCoefficients.scaledDistances(h: a.tau[0], tau: a.tau + 1, count: q + 1, into: a.xi)
      lane.savedDeltaScale = BDFCoefficients.correctionScale(order: q, xi: a.xi)
      lane.savedDeltaStep = a.tau[0]
      lane.savedDeltaValid = true
    }
    if lane.etaMax == 1 {
      lane.eta = 1
      lane.qwait = max(lane.qwait, 2)
      lane.etaMax = 10
      lane.proposedStep = lane.hScale
      return
    }
    let etaQ = growthFactor(6 * errorNorm, root: q + 1)
    var best = etaQ
    var change = 0
    if lane.qwait <= 0 {
      lane.qwait = 2
      BDFCoefficients.scaledDistances(h: a.tau[0], tau: a.tau + 1, count: q + 2, into: a.xi)
      var etaDown = 0.0
      if q > 1 {
        let e = BDFStepper.errorCalibration * laneNorm(column(q), lane: l)
          * BDFCoefficients.errorPerScaledDerivative(order: q - 1, xi: a.xi)
        etaDown = growthFactor(6 * e, root: q)
      }
      var etaUp = 0.0
      if q < maxOrder && lane.savedDeltaValid {
        let k = BDFCoefficients.correctionScale(order: q, xi: a.xi)
        let r = pow(a.tau[0] / lane.savedDeltaStep, Double(q + 1))
        let c1 = 1 / k, c2 = r / lane.savedDeltaScale
        var sum = 0.0
        for i in 0..<n {
          let u = (c1 * delta[i][l] - c2 * savedDelta[i][l]) * weights[i][l]
          sum += u * u
        }
        let e = BDFStepper.errorCalibration * (sum / Double(n)).squareRoot() / Double(q + 2)
          * BDFCoefficients.errorPerScaledDerivative(order: q + 1, xi: a.xi)
        etaUp = growthFactor(10 * e, root: q + 2)
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
      lane.eta = 1
      change = 0
    } else {
      lane.eta = min(best, lane.etaMax)
    }
    lane.etaMax = 10
    lane.pendingOrderChange = change
    if lane.hScale * lane.eta > options.maxStepSize { lane.eta = options.maxStepSize / lane.hScale }
    lane.proposedStep = lane.hScale * lane.eta
  }

  /// η = 1/(x^(1/root) + 10⁻⁶), or 0 when that η would be below the growth threshold.
  @inline(__always)
  func growthFactor(_ x: Double, root: Int) -> Double {
    guard x <= growthThresholds[root] else { return 0 }
    return 1 / (pow(x, 1 / Double(root)) + 1e-6)
  }

  /// The corrector of lane l did not converge with a current Jacobian: cut h by 4 and factorise
  /// again. Returns the code that ends the task, if it must end.
  func convergenceFailure(_ lane: inout Lane, nonFinite: Bool) -> ReturnCode? {
    lane.statistics.newtonConvergenceFailures += 1
    lane.convergenceFailures += 1
    if nonFinite {
      lane.consecutiveNonFinite += 1
      lane.nonFiniteSinceErrorTest = true
      if lane.consecutiveNonFinite > 12 { return .rhsNotFinite(t: lane.t) }
    }
    if lane.convergenceFailures >= policy.maxConvergenceFailures {
      return nonFinite ? .rhsNotFinite(t: lane.t) : .newtonFailed(t: lane.t)
    }
    lane.eta = policy.convergenceFailureFactor
    lane.etaMax = 1
    lane.mustFactor = true
    lane.proposedStep = lane.hScale * lane.eta
    return nil
  }

  /// The local error of lane l was too large: shrink h. Returns true when the history must drop
  /// to order 1 (the caller then sets z₁ = h·f(tₙ₋₁, yₙ₋₁)), or a code that ends the task.
  func errorTestFailure(_ lane: inout Lane, _ errorNorm: Double) -> (dropToOrderOne: Bool, failure: ReturnCode?) {
    lane.statistics.errorTestFailures += 1
    lane.nonFiniteSinceErrorTest = false
    lane.errorFailures += 1
    lane.etaMax = 1
    if lane.errorFailures >= BDFStepper.maxErrorTestFailures { return (false, .stepSizeUnderflow(t: lane.t)) }
    var drop = false
    if lane.errorFailures > 3 {
      if lane.q > 1 {
        lane.q = 1
        lane.qwait = 2
        lane.savedDeltaValid = false
        lane.pendingOrderChange = 0
        drop = true
      }
      lane.eta = 0.1
    } else {
      lane.eta = 1 / (pow(6 * errorNorm, 1 / Double(lane.q + 1)) + 1e-6)
      lane.eta = max(0.1, lane.eta)
      if lane.errorFailures >= 2 { lane.eta = min(lane.eta, 0.2) }
    }
    lane.proposedStep = lane.hScale * lane.eta
    return (drop, nil)
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
