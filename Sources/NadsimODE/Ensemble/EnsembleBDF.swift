import Foundation
import NadsimLinearAlgebra

/// The variable-order BDF of ``BDFStepper`` (orders 1…5, Nordsieck form, fixed leading
/// coefficient, CVODE's step, order and Jacobian economy) solving many scenarios of one model
/// four at a time, with SIMD4 lanes across scenarios.
///
/// Lanes are independent integrations, as in ``EnsembleRosenbrock``: each lane has its own time,
/// step size, order, step history, Newton state, Jacobian and LU, tolerances, stops, save times
/// and counters. All n-vector work
/// is done for the four lanes at once: the right-hand side and Jacobian (compiled lane code), the
/// Nordsieck prediction, rescaling and correction, the LU of (1/γ)·I − J and its solves
/// (``LaneSparseLU`` or ``LaneLU``), and the norms. What differs between lanes is handled so that
/// no lane's numbers depend on another's:
/// - **Orders.** Each lane uses its own order q and its own coefficients; vector operations on
///   Nordsieck column j are masked to the lanes whose order reaches j.
/// - **Newton.** Each round of the loop makes one corrector iteration in every lane, each at its
///   own point of its own step: a lane whose corrector converged starts its next step while a
///   neighbour makes a second iteration (see ``advanceCorrectors(_:starting:lanes:)``).
/// - **Jacobians and LU.** Each lane keeps its J until its own policy renews it (a fresh J is
///   evaluated for all lanes but stored only in the lanes that asked); when any lane needs a new
///   factorisation all four are factorised again, each from its own J and γ, which reproduces the
///   others' factors exactly.
/// - **Stops and saves.** A step ends exactly at each stop (dose) time, where the workload may
///   change the lane's state; the lane then restarts its history at order 1, as the scalar
///   integrator restarts ``BDFStepper``. Save times are served by the Nordsieck polynomial.
///
/// The per-lane arithmetic follows ``BDFStepper`` step for step, except that the Newton matrix is
/// factorised as (1/γ)·I − J (the lane solvers' form) rather than I − γJ, so results agree with
/// the scalar stepper's to within the tolerance, not bit for bit (tested). Fixed-step mode is
/// not offered.
public final class EnsembleBDF {
  typealias Lanes = SIMD4<Double>
  public let system: EnsembleSystem
  public let options: EnsembleOptions
  /// Highest order (1…5).
  public let maxOrder: Int
  let n: Int
  /// The count the weighted RMS norms average over (``EnsembleSystem/normDimension``).
  let normCount: Double
  /// Entries of each per-lane small array (maxOrder + 3).
  let small: Int
  let policy = BDFNewtonPolicy()

  private let block: ScratchBlock<Lanes>
  private let scalars: Workspace
  let rtol: UnsafeMutablePointer<Lanes>
  let atol: UnsafeMutablePointer<Lanes>
  let y: UnsafeMutablePointer<Lanes>
  /// Nordsieck arrays, column j at `history + j·n` (see ``NordsieckHistory``).
  let history: UnsafeMutablePointer<Lanes>
  let delta: UnsafeMutablePointer<Lanes>
  let savedDelta: UnsafeMutablePointer<Lanes>
  let iterate: UnsafeMutablePointer<Lanes>
  let f: UnsafeMutablePointer<Lanes>
  let fPredicted: UnsafeMutablePointer<Lanes>
  let residual: UnsafeMutablePointer<Lanes>
  /// Scratch between rounds (first-step probes, finite-difference Jacobians): `iterate` must not be
  /// used for these, it carries the iterates of lanes still in their corrector.
  let probe: UnsafeMutablePointer<Lanes>
  /// Error weights 1/(atol + rtol·|yₙ₋₁|).
  let weights: UnsafeMutablePointer<Lanes>
  let jacobianScratch: UnsafeMutablePointer<Lanes>
  /// One lane's state, handed to the workload.
  let laneState: UnsafeMutablePointer<Double>
  /// Per-lane small arrays (see ``LaneArrays``).
  let coefficients: UnsafeMutablePointer<Double>
  /// (1/1.5 − 10⁻⁶)^k, as in ``BDFStepper``.
  let growthThresholds: UnsafeMutablePointer<Double>
  let lu: LaneLinearSolver

  public init(system: EnsembleSystem, options: EnsembleOptions = EnsembleOptions(), maxOrder: Int = 5) {
    self.system = system
    self.options = options
    self.maxOrder = max(1, min(5, maxOrder))
    n = system.dimension
    normCount = Double(system.normDimension)
    small = self.maxOrder + 3
    lu = makeLaneLinearSolver(for: system)
    lu.skipsZeroUpdates = false  // no bit-identity with the scalar solver is claimed here
    let columns = self.maxOrder + 1
    let count = n * (11 + columns) + lu.jacobianCount
    block = ScratchBlock(capacity: count, zero: .zero)
    let take = block.take
    rtol = take(n)
    atol = take(n)
    y = take(n)
    history = take(n * columns)
    delta = take(n)
    savedDelta = take(n)
    iterate = take(n)
    f = take(n)
    fPredicted = take(n)
    residual = take(n)
    probe = take(n)
    weights = take(n)
    jacobianScratch = take(lu.jacobianCount)
    scalars = Workspace(capacity: n + (EnsembleSystem.lanes * 5 + 1) * small)
    laneState = scalars.take(n)
    coefficients = scalars.take(EnsembleSystem.lanes * 5 * small)
    growthThresholds = scalars.take(small)
    BDFStepControl.fillGrowthThresholds(growthThresholds, count: small, policy: policy)
  }

  /// Solves every task `workload` hands out, four lanes at a time, until it has no more.
  public func run(_ workload: EnsembleWorkload) {
    let lanes = EnsembleSystem.lanes
    var lane = [Lane](repeating: Lane(), count: lanes)
    var busy = LaneMask(repeating: false)
    var exhausted = LaneMask(repeating: false)

    let tasks = LaneTasks(workload: workload, options: options, n: n, state: laneState, y: y, rtol: rtol, atol: atol)
    func finish(_ l: Int, _ code: ReturnCode) {
      tasks.finish(&lane, l, code, busy: &busy, lastOrder: lane[l].control.q)
    }
    func refill() {
      tasks.refill(&lane, busy: &busy, exhausted: &exhausted, lastOrder: 1) { lane, _, tolerances in
        lane.minimumRelativeTolerance = tolerances.tightestRelative
        lane.needsRestart = true
        lane.requestedInitialStep = options.initialStep
      }
    }

    refill()
    while any(busy) {
      // Fresh histories: new tasks and tasks that just passed a stop.
      var restarting = LaneMask(repeating: false)
      for l in 0..<lanes where busy[l] && lane[l].needsRestart { restarting[l] = true }
      if any(restarting) {
        for failure in restart(restarting, lanes: &lane) { finish(failure.lane, failure.code) }
      }
      var first = LaneMask(repeating: false)
      for l in 0..<lanes where busy[l] && lane[l].needsInitialStep { first[l] = true }
      if any(first) { firstSteps(first, lanes: &lane) }

      // A new attempt in each lane whose last one ended: order change, step size (clipped to the
      // lane's next stop), coefficients, prediction. Lanes still iterating keep their attempt.
      var starting = LaneMask(repeating: false)
      var rescale = Lanes(repeating: 1)
      var orders = Lanes.zero
      for l in 0..<lanes where busy[l] && !lane[l].inCorrector {
        if lane[l].control.pendingOrderChange != 0 { applyOrderChange(&lane[l], l) }
        var h = min(lane[l].control.hScale * lane[l].control.eta, options.maxStepSize)
        var lands = false
        let t = lane[l].t
        if t + h * (1 + 1e-10) >= lane[l].limit {
          h = lane[l].limit - t
          lands = true
        }
        if !(h > 16 * t.ulp.magnitude) {
          finish(l, lane[l].control.nonFiniteSinceErrorTest ? .rhsNotFinite(t: t) : .stepSizeUnderflow(t: t))
          continue
        }
        if lane[l].statistics.steps >= options.maxSteps {
          finish(l, .maxStepsReached(t: t, maxSteps: options.maxSteps))
          continue
        }
        lane[l].statistics.steps += 1
        if h != lane[l].control.hScale {
          rescale[l] = h / lane[l].control.hScale
          lane[l].control.hScale = h
        }
        lane[l].control.eta = 1
        lane[l].h = h
        lane[l].landsOnLimit = lands
        lane[l].tNew = lands ? lane[l].limit : t + h
        let a = arrays(l)
        if !coefficientsMatch(&lane[l], a, h: h) {
          BDFCoefficients.scaledDistances(h: h, tau: a.tau, count: lane[l].control.q + 1, into: a.xi)
          BDFCoefficients.corrector(order: lane[l].control.q, xi: a.xi, into: a.l)
          lane[l].cachedErrorConstant = BDFStepper.errorCalibration
            * BDFCoefficients.errorPerCorrection(order: lane[l].control.q, xi: a.xi)
        }
        lane[l].errorConstant = lane[l].cachedErrorConstant
        lane[l].gamma = h / a.l[1]
        lane[l].inverseL1 = 1 / a.l[1]
        orders[l] = Double(lane[l].control.q)
        starting[l] = true
      }
      if any(starting) { predict(orders, rescale: rescale, through: Int(orders.max())) }

      // One corrector iteration in every lane that is in its corrector (see advanceCorrectors).
      var inCorrector = LaneMask(repeating: false)
      for l in 0..<lanes where busy[l] && (starting[l] || lane[l].inCorrector) { inCorrector[l] = true }
      guard any(inCorrector) else {
        refill()
        continue
      }
      let ended = advanceCorrectors(inCorrector, starting: starting, lanes: &lane)
      guard any(ended) else { continue }
      orders = .zero
      for l in 0..<lanes where ended[l] { orders[l] = Double(lane[l].control.q) }
      let top = Int(orders.max())

      // Error tests; failed lanes undo their prediction, passed ones take the correction.
      var undo = LaneMask(repeating: false), accepted = LaneMask(repeating: false)
      var errorNorms = Lanes.zero
      for l in 0..<lanes where ended[l] {
        if case .converged(let correctionNorm) = lane[l].outcome {
          let errorNorm = correctionNorm * lane[l].errorConstant
          errorNorms[l] = errorNorm
          if errorNorm > 1 { undo[l] = true } else { accepted[l] = true }
        } else {
          undo[l] = true
        }
      }
      if any(undo) {
        var undoOrders = orders
        undoOrders.replace(with: Lanes.zero, where: .!undo)
        undoPrediction(undoOrders, through: top)
      }
      var dropToOrderOne = LaneMask(repeating: false)
      for l in 0..<lanes where undo[l] {
        lane[l].statistics.rejectedSteps += 1
        if case .converged = lane[l].outcome {
          let (drop, failure) = errorTestFailure(&lane[l], errorNorms[l])
          if let failure { finish(l, failure) } else if drop { dropToOrderOne[l] = true }
        } else if let failure = convergenceFailure(&lane[l], nonFinite: lane[l].outcome == .nonFinite) {
          finish(l, failure)
        }
      }
      if any(dropToOrderOne) { restartPolynomials(dropToOrderOne, lanes: &lane) }
      guard any(accepted) else {
        refill()
        continue
      }
      correctHistory(accepted, orders: orders, through: top)
      for l in 0..<lanes where accepted[l] {
        let a = arrays(l)
        var k = maxOrder + 2
        while k > 0 {
          a.tau[k] = a.tau[k - 1]
          k -= 1
        }
        a.tau[0] = lane[l].h
        lane[l].t = lane[l].tNew
        lane[l].statistics.acceptedSteps += 1
        lane[l].statistics.lastStepSize = lane[l].h
        lane[l].newton.stepAccepted()
        lane[l].control.consecutiveNonFinite = 0
        chooseNextStep(&lane[l], l, errorNorm: errorNorms[l])
        lane[l].control.errorFailures = 0
        lane[l].control.convergenceFailures = 0
      }
      updateWeights(accepted)

      // Save times inside the accepted steps, from the Nordsieck polynomial; then stops.
      for l in 0..<lanes where accepted[l] && (lane[l].nextSaveTime <= lane[l].t || lane[l].landsOnLimit) {
        let tNew = lane[l].t, q = lane[l].control.q, step = lane[l].control.hScale
        tasks.serveSaves(&lane[l], l, through: tNew) { time in
          if time == tNew {
            for i in 0..<n { laneState[i] = y[i][l] }
          } else {
            interpolate(l, order: q, end: tNew, step: step, at: time)
          }
        }
        guard lane[l].landsOnLimit else { continue }
        if tasks.passStop(&lane[l], l) {
          lane[l].needsRestart = true
          lane[l].requestedInitialStep = lane[l].control.proposedStep
        } else {
          finish(l, .success)
        }
      }
      refill()
    }
  }

  // MARK: - Vector operations on the Nordsieck arrays

  /// Rescales each lane's history to its new step (column j ×= ηʲ; η = 1, an exact no-op, in lanes
  /// that keep their step) and predicts it forward with the Pascal matrix, each lane for its own
  /// order: ``NordsieckHistory/rescale(order:by:)`` and ``NordsieckHistory/predict(order:)`` with
  /// the same additions in the same order, done per component in registers (one load and store
  /// per column instead of one per sweep). A sweep's update of column j − 1 from column j is
  /// masked to the lanes whose order reaches j.
  private func predict(_ orders: Lanes, rescale eta: Lanes, through top: Int) {
    precondition(top <= 5, "orders 1…5")
    guard top >= 1 else { return }
    let f1 = eta, f2 = f1 * eta, f3 = f2 * eta, f4 = f3 * eta, f5 = f4 * eta
    let rescaling = eta != Lanes(repeating: 1)
    // Masks made by comparisons here compile to one blend each.
    let m1 = orders .>= Lanes(repeating: 1), m2 = orders .>= Lanes(repeating: 2), m3 = orders .>= Lanes(repeating: 3)
    let m4 = orders .>= Lanes(repeating: 4), m5 = orders .>= Lanes(repeating: 5)
    let c0 = column(0), c1 = column(1), c2 = column(2), c3 = column(3), c4 = column(4)
    let c5 = top >= 5 ? column(5) : column(4)
    for i in 0..<n {
      var a0 = c0[i], a1 = c1[i]
      var a2 = top >= 2 ? c2[i] : .zero, a3 = top >= 3 ? c3[i] : .zero
      var a4 = top >= 4 ? c4[i] : .zero, a5 = top >= 5 ? c5[i] : .zero
      if rescaling {
        a1 *= f1
        a2 *= f2
        a3 *= f3
        a4 *= f4
        a5 *= f5
      }
      // k = 1 … 5: column j − 1 += column j for j = top … k.
      a4.replace(with: a4 + a5, where: m5); a3.replace(with: a3 + a4, where: m4)
      a2.replace(with: a2 + a3, where: m3); a1.replace(with: a1 + a2, where: m2)
      a0.replace(with: a0 + a1, where: m1)
      a4.replace(with: a4 + a5, where: m5); a3.replace(with: a3 + a4, where: m4)
      a2.replace(with: a2 + a3, where: m3); a1.replace(with: a1 + a2, where: m2)
      a4.replace(with: a4 + a5, where: m5); a3.replace(with: a3 + a4, where: m4)
      a2.replace(with: a2 + a3, where: m3)
      a4.replace(with: a4 + a5, where: m5); a3.replace(with: a3 + a4, where: m4)
      a4.replace(with: a4 + a5, where: m5)
      c0[i] = a0
      c1[i] = a1
      if top >= 2 { c2[i] = a2 }
      if top >= 3 { c3[i] = a3 }
      if top >= 4 { c4[i] = a4 }
      if top >= 5 { c5[i] = a5 }
    }
  }

  /// Undoes ``predict(_:rescale:through:)``'s Pascal sweeps in each lane for its own order
  /// (`orders`, 0 for lanes to leave alone), as ``NordsieckHistory/undoPrediction(order:)``
  /// (a rejected step; the rescaling stays).
  private func undoPrediction(_ orders: Lanes, through top: Int) {
    guard top >= 1 else { return }
    for k in 1...top {
      var j = top
      while j >= k {
        let mask = orders .>= Lanes(repeating: Double(j))
        if any(mask) {
          let src = column(j), dst = column(j - 1)
          let chosen = LaneSelection(mask)
          for i in 0..<n { dst[i] = chosen.select(dst[i] - src[i], dst[i]) }
        }
        j -= 1
      }
    }
  }

  /// Column j += l_j·Δ for j = 0…q in the accepted lanes (``NordsieckHistory/correct(order:l:delta:)``),
  /// and y = z₀ there; per component in registers.
  private func correctHistory(_ accepted: LaneMask, orders: Lanes, through top: Int) {
    precondition(top <= 5, "orders 1…5")
    // Orders of the accepted lanes, −1 elsewhere: column j takes the correction where it is ≥ j.
    let acceptedLanes = LaneSelection(accepted)
    let taken = acceptedLanes.select(orders, Lanes(repeating: -1))
    var l0 = Lanes.zero, l1 = Lanes.zero, l2 = Lanes.zero, l3 = Lanes.zero, l4 = Lanes.zero, l5 = Lanes.zero
    for l in 0..<EnsembleSystem.lanes where accepted[l] {
      let c = arrays(l).l, q = Int(orders[l])
      l0[l] = c[0]
      l1[l] = c[1]
      if q >= 2 { l2[l] = c[2] }
      if q >= 3 { l3[l] = c[3] }
      if q >= 4 { l4[l] = c[4] }
      if q >= 5 { l5[l] = c[5] }
    }
    let m1 = taken .>= Lanes(repeating: 1), m2 = taken .>= Lanes(repeating: 2)
    let m3 = taken .>= Lanes(repeating: 3), m4 = taken .>= Lanes(repeating: 4), m5 = taken .>= Lanes(repeating: 5)
    let c0 = column(0), c1 = column(1), c2 = column(2), c3 = column(3), c4 = column(4)
    let c5 = top >= 5 ? column(5) : column(4)
    for i in 0..<n {
      let d = delta[i]
      let a0 = acceptedLanes.select(c0[i] + l0 * d, c0[i])
      c0[i] = a0
      y[i] = acceptedLanes.select(a0, y[i])
      c1[i].replace(with: c1[i] + l1 * d, where: m1)
      if top >= 2 { c2[i].replace(with: c2[i] + l2 * d, where: m2) }
      if top >= 3 { c3[i].replace(with: c3[i] + l3 * d, where: m3) }
      if top >= 4 { c4[i].replace(with: c4[i] + l4 * d, where: m4) }
      if top >= 5 { c5[i].replace(with: c5[i] + l5 * d, where: m5) }
    }
  }

  /// Weights 1/(atol + rtol·|y|) in the given lanes.
  private func updateWeights(_ lanes: LaneMask) {
    let chosen = LaneSelection(lanes)
    for i in 0..<n { weights[i] = chosen.select(1 / (atol[i] + rtol[i] * magnitude(y[i])), weights[i]) }
  }

  /// Lanes whose history goes back to order 1 after repeated error-test failures: z₁ = h·f(tₙ₋₁, yₙ₋₁).
  private func restartPolynomials(_ lanes: LaneMask, lanes lane: inout [Lane]) {
    var times = Lanes.zero, scale = Lanes(repeating: 1)
    for l in 0..<EnsembleSystem.lanes where lanes[l] {
      times[l] = lane[l].t
      scale[l] = lane[l].control.hScale
      lane[l].statistics.rhsEvaluations += 1
    }
    system.rhs(times, y, f)
    let z1 = column(1)
    let chosen = LaneSelection(lanes)
    for i in 0..<n { z1[i] = chosen.select(f[i] * scale, z1[i]) }
  }

  /// Starts the histories of `restarting` lanes at their t: order 1, z = [y, f] (stored with
  /// h = 1 until the first step is chosen), Δ = 0, weights from y. Returns the lanes whose f is
  /// not finite.
  private func restart(_ restarting: LaneMask, lanes lane: inout [Lane]) -> [(lane: Int, code: ReturnCode)] {
    var times = Lanes.zero
    for l in 0..<EnsembleSystem.lanes where restarting[l] {
      times[l] = lane[l].t
      lane[l].restart(initialStep: lane[l].requestedInitialStep)
      lane[l].statistics.rhsEvaluations += 1
    }
    updateWeights(restarting)
    let z0 = column(0), z1 = column(1)
    system.rhs(times, y, f)
    let chosen = LaneSelection(restarting)
    for i in 0..<n {
      z0[i] = chosen.select(y[i], z0[i])
      z1[i] = chosen.select(f[i], z1[i])
      delta[i] = chosen.select(.zero, delta[i])
    }
    let finite = finiteLanes(f, count: n)
    return (0..<EnsembleSystem.lanes).filter { restarting[$0] && !finite[$0] }.map { ($0, .rhsNotFinite(t: lane[$0].t)) }
  }

  /// The first step of the lanes in `first`, by ``BDFStepper/firstStepSize(limit:)``'s
  /// iteration (CVODE's), all lanes' probes in one right-hand-side call per round; then the
  /// requested cap, the maximum step and the step history.
  private func firstSteps(_ first: LaneMask, lanes lane: inout [Lane]) {
    let lanes = EnsembleSystem.lanes
    let f0 = column(1)
    var lower = Lanes.zero, upper = Lanes.zero, result = Lanes.zero
    var guess = Lanes(repeating: 1), next = Lanes(repeating: 1)
    var probing = LaneMask(repeating: false)
    for l in 0..<lanes where first[l] {
      let t = lane[l].t, limit = lane[l].limit
      let distance = abs(limit - t)
      lower[l] = 100 * Double.ulpOfOne * max(abs(t), abs(limit))
      var up = 0.1 * distance
      for i in 0..<n {
        let bound = 0.1 * abs(y[i][l]) + atol[i][l]
        if abs(f0[i][l]) * up > bound { up = bound / abs(f0[i][l]) }
      }
      upper[l] = up
      if !(up > lower[l]) {
        result[l] = max(lower[l], min(up, distance))
      } else {
        guess[l] = (lower[l] * up).squareRoot()
        next[l] = guess[l]
        probing[l] = true
      }
    }
    var times = Lanes.zero
    for l in 0..<lanes { times[l] = lane[l].t }
    var attempt = 0
    while any(probing) && attempt < 4 {
      for i in 0..<n { probe[i] = y[i] + guess * f0[i] }
      system.rhs(times + guess, probe, f)
      var sum = Lanes.zero
      for i in 0..<n {
        let r = (f[i] - f0[i]) / guess * weights[i]
        sum = sum.addingProduct(r, r)
      }
      let second = (sum / Lanes(repeating: normCount)).squareRoot()
      for l in 0..<lanes where probing[l] {
        lane[l].statistics.rhsEvaluations += 1
        if !second[l].isFinite {
          guess[l] *= 0.2
          next[l] = guess[l]
          continue
        }
        let u = upper[l]
        next[l] = second[l] * u * u > 2 ? (2 / second[l]).squareRoot() : (guess[l] * u).squareRoot()
        let ratio = next[l] / guess[l]
        if ratio > 0.5 && ratio < 2 {
          probing[l] = false
          continue
        }
        if attempt > 0 && ratio > 2 {
          next[l] = guess[l]
          probing[l] = false
          continue
        }
        guess[l] = next[l]
      }
      attempt += 1
    }
    for l in 0..<lanes where first[l] {
      var h0 = upper[l] > lower[l] ? min(upper[l], max(lower[l], 0.5 * next[l])) : result[l]
      if lane[l].requestedInitialStep > 0 { h0 = min(h0, lane[l].requestedInitialStep) }
      h0 = min(h0, options.maxStepSize)
      lane[l].control.eta = h0 / lane[l].control.hScale
      let a = arrays(l)
      for k in 0..<small { a.tau[k] = h0 }
      lane[l].needsInitialStep = false
      if lane[l].statistics.initialStepSize == 0 { lane[l].statistics.initialStepSize = min(h0, lane[l].limit - lane[l].t) }
    }
  }

}

extension EnsembleBDF: EnsembleIntegrator {}
