import Foundation

/// A Rosenbrock method (Rodas5P by default, the same ``RosenbrockTableau`` the scalar
/// ``RosenbrockStepper`` uses) advancing four scenarios of one model in lockstep, with SIMD4 lanes
/// across scenarios: every vector operation, the Jacobian, the LU of I/(hγ) − J (``LaneLU``) and
/// the triangular solves work on four lanes at once.
///
/// Step sharing. All running lanes take the same steps (one t for the batch, so the model's
/// right-hand side is called once per stage for four scenarios):
/// - each lane has its own error norm, with its own tolerances, and its own PI controller memory;
/// - an attempt is accepted only if every running lane's error norm is ≤ 1, so every lane meets
///   its own accuracy requirement on every step (it may take more and smaller steps than alone,
///   never larger ones than its own error test allows);
/// - the next step is the smallest of the running lanes' proposals (after a rejection: the
///   smallest proposal of the lanes that failed the test).
///
/// Masking. Each lane may have its own end time. A lane that reaches it is frozen: its state is no
/// longer updated, its errors are ignored, and the batch goes on with the others (steps land
/// exactly on each lane's end). A lane whose values are not finite, whose matrix is singular, or
/// which keeps causing rejections is marked failed and frozen in the same way; its last accepted
/// state and the time are reported, and callers may solve it again alone with the scalar
/// ``Integrator``. Frozen lanes are still computed (SIMD lanes cost nothing extra) but nothing
/// they produce is looked at.
///
/// Dense output and events are not provided; states can be saved at given times, which the steps
/// land on.
public final class EnsembleRosenbrock {
  typealias Lanes = SIMD4<Double>
  public let system: EnsembleSystem
  public let tableau: RosenbrockTableau
  public let options: EnsembleOptions
  let n: Int
  let s: Int
  /// bⱼ = a_sⱼ (j < s) and b_s = 1: y₁ is the last stage's argument plus k_s (Rodas5P), which
  /// saves the (s−1)·n multiply–adds of the general sum with the same roundings.
  let stifflyAccurate: Bool

  private let block: UnsafeMutablePointer<Lanes>
  private let rtol: UnsafeMutablePointer<Lanes>
  private let atol: UnsafeMutablePointer<Lanes>
  private let y: UnsafeMutablePointer<Lanes>
  private let f0: UnsafeMutablePointer<Lanes>
  private let fT: UnsafeMutablePointer<Lanes>
  private let argument: UnsafeMutablePointer<Lanes>
  private let scratch: UnsafeMutablePointer<Lanes>
  private let error: UnsafeMutablePointer<Lanes>
  private let k: UnsafeMutablePointer<Lanes>
  private let jacobian: UnsafeMutablePointer<Lanes>
  private let lu: LaneLU

  public init(system: EnsembleSystem, options: EnsembleOptions = EnsembleOptions(),
              tableau: RosenbrockTableau = .rodas5P) {
    self.system = system
    self.options = options
    self.tableau = tableau
    n = system.dimension
    s = tableau.stages
    let stages = tableau.stages
    stifflyAccurate = stages > 1 && tableau.b[stages - 1] == 1
      && (0..<(stages - 1)).allSatisfy { tableau.b[$0] == tableau.a[(stages - 1) * stages + $0] }
    let count = n * (8 + s)
    block = .allocate(capacity: count)
    block.initialize(repeating: .zero, count: count)
    var next = block
    func take(_ m: Int) -> UnsafeMutablePointer<Lanes> {
      defer { next += m }
      return next
    }
    rtol = take(n)
    atol = take(n)
    y = take(n)
    f0 = take(n)
    fT = take(n)
    argument = take(n)
    scratch = take(n)
    error = take(n)
    k = take(n * s)
    lu = LaneLU(dimension: n)
    jacobian = lu.jacobian
    for l in 0..<EnsembleSystem.lanes {
      let tolerances = options.tolerances.count == EnsembleSystem.lanes ? options.tolerances[l] : options.tolerances[0]
      let (r, a) = tolerances.expanded(dimension: n)
      for i in 0..<n {
        rtol[i][l] = r[i]
        atol[i][l] = a[i]
      }
    }
  }

  deinit { block.deallocate() }

  /// Integrates 1…4 scenarios from the shared t0 to their own end times. `y0` has one state per
  /// scenario (n values); lanes beyond `y0.count` are unused (they copy the first scenario and are
  /// frozen from the start). The system's lanes must hold the scenarios in the same order.
  public func solve(from t0: Double, y0: [[Double]], to tEnd: [Double]) -> EnsembleSolution {
    let lanes = EnsembleSystem.lanes
    let count = y0.count
    precondition((1...lanes).contains(count) && tEnd.count == count, "1…4 scenarios, one end time each")
    let saveTimes = options.saveTimes
    var solution = EnsembleSolution(dimension: n, lanes: count, saveCount: saveTimes.count)
    var running = LaneMask(repeating: false)
    var ends = Lanes(repeating: .infinity)
    let toleranceProblem = options.tolerances.count == 1 || options.tolerances.count == lanes
      ? options.tolerances.lazy.compactMap { $0.problem(dimension: self.n) }.first
      : "give one set of tolerances or one per lane"
    for l in 0..<lanes {
      let source = l < count ? l : 0
      for i in 0..<n { y[i][l] = y0[source].count == n ? y0[source][i] : 0 }
    }
    for l in 0..<count {
      let why: String?
      if y0[l].count != n { why = "initial state has \(y0[l].count) values; the system has \(n) states" }
      else if let bad = y0[l].firstIndex(where: { !$0.isFinite }) { why = "initial state y\(bad + 1) is not finite" }
      else if !(t0.isFinite && tEnd[l].isFinite && tEnd[l] > t0) { why = "final time \(tEnd[l]) must be finite and after \(t0)" }
      else if let toleranceProblem { why = toleranceProblem }
      else if options.maxSteps <= 0 { why = "maxSteps must be positive" }
      else { why = nil }
      if let why {
        solution.returnCodes[l] = .invalidInput(why)
        solution.finalTimes[l] = t0
      } else {
        running[l] = true
        ends[l] = tEnd[l]
      }
    }

    var stats = SolverStatistics()
    var rhsCalls = 0
    // The LU's counters run over the integrator's lifetime; this solve reports its own share.
    let baseline = (lu.factorizations, lu.solves, lu.fallbackFactorizations)
    var t = t0
    func freeze(_ l: Int, _ code: ReturnCode) {
      solution.returnCodes[l] = code
      solution.finalTimes[l] = t
      running[l] = false
    }

    // Save times in increasing order; t0 itself is recorded now.
    let saveOrder = saveTimes.indices.sorted { saveTimes[$0] < saveTimes[$1] }
    var nextSave = 0
    func recordSaves(upTo time: Double) {
      while nextSave < saveOrder.count && saveTimes[saveOrder[nextSave]] <= time {
        let index = saveOrder[nextSave]
        if saveTimes[index] == time {
          for l in 0..<count where running[l] {
            for i in 0..<n { solution.saved[l][index * n + i] = y[i][l] }
          }
        }
        nextSave += 1
      }
    }

    if any(running) {
      system.rhs(t, y, f0)
      rhsCalls += 1
      let bad = running .& .!finiteLanes(f0)
      for l in 0..<count where bad[l] { freeze(l, .rhsNotFinite(t: t)) }
      recordSaves(upTo: t)
    }
    var h = any(running) ? initialStep(t0: t0, running: running, ends: ends) : 0
    stats.initialStepSize = h
    if any(running) && options.initialStep <= 0 { rhsCalls += 1 }

    var controllers = [PIController](
      repeating: PIController(beta1: 0.7, beta2: 0.4, safety: 0.9, minFactor: 0.2, maxFactor: 6), count: lanes)
    var trial = controllers  // reused: copying elements into it does not allocate
    var nonFiniteRun = [Int](repeating: 0, count: lanes)
    var rejectionRun = [Int](repeating: 0, count: lanes)
    var blamed = LaneMask(repeating: false)
    var blamedNonFinite = LaneMask(repeating: false)
    var f0Current = true
    var jacobianCurrent = false
    let gamma = tableau.gamma

    while any(running) {
      if stats.steps >= options.maxSteps {
        for l in 0..<count where running[l] { freeze(l, .maxStepsReached(t: t, maxSteps: options.maxSteps)) }
        break
      }
      var limit = Double.infinity
      for l in 0..<lanes where running[l] { limit = min(limit, ends[l]) }
      if nextSave < saveOrder.count { limit = min(limit, saveTimes[saveOrder[nextSave]]) }
      let (step, landsOnLimit) = clippedToLimit(h, t: t, limit: limit)
      if isLostInRounding(step, at: t) {
        // The step shrank to nothing: the lanes that caused the last rejections fail; the others
        // go on (the controller grows h again by up to 6× per accepted step).
        let culprits = any(blamed .& running) ? blamed .& running : running
        for l in 0..<count where culprits[l] {
          freeze(l, blamedNonFinite[l] ? .rhsNotFinite(t: t) : .stepSizeUnderflow(t: t))
        }
        blamed = LaneMask(repeating: false)
        h = max(h, 1e3 * 16 * t.ulp.magnitude)
        continue
      }
      stats.steps += 1

      if !f0Current {
        system.rhs(t, y, f0)
        rhsCalls += 1
        f0Current = true
      }
      if !jacobianCurrent {
        evaluateJacobian(t: t, step: step, rhsCalls: &rhsCalls)
        stats.jacobianEvaluations += 1
        jacobianCurrent = true
      }
      let factored = lu.factor(diagonal: Lanes(repeating: 1 / (step * gamma)), needed: running)
      rhsCalls += stages(t: t, step: step)

      // Solution and per-lane error norms.
      for m in 0..<n { error[m] = .zero }
      if stifflyAccurate {
        // `argument` still holds the last stage's argument y₀ + Σⱼ<ₛ a_sⱼ kⱼ.
        let last = k + (s - 1) * n
        for m in 0..<n { argument[m] += last[m] }
      } else {
        for m in 0..<n { argument[m] = y[m] }
      }
      for j in 0..<s {
        let bj = tableau.b[j], ej = tableau.bError[j]
        let kj = k + j * n
        if bj != 0 && !stifflyAccurate {
          let b = Lanes(repeating: bj)
          for m in 0..<n { argument[m] = argument[m].addingProduct(b, kj[m]) }
        }
        if ej != 0 {
          let e = Lanes(repeating: ej)
          for m in 0..<n { error[m] = error[m].addingProduct(e, kj[m]) }
        }
      }
      let norms = errorNorms()
      let finite = factored .& finiteLanes(argument) .& (norms .< Lanes(repeating: .infinity))
      let nonFinite = running .& .!finite
      if any(nonFinite) {
        // As the scalar stepper: cut h by 4, give up on a lane after 12 such attempts in a row.
        stats.rejectedSteps += 1
        for l in 0..<lanes where running[l] {
          if nonFinite[l] {
            nonFiniteRun[l] += 1
            if nonFiniteRun[l] > 12 && l < count { freeze(l, .rhsNotFinite(t: t)) }
          } else {
            nonFiniteRun[l] = 0
          }
        }
        blamed = nonFinite
        blamedNonFinite = nonFinite
        // When the offending lanes were just frozen, the others' attempt was fine: retry as is.
        h = any(nonFinite .& running) ? step * 0.25 : step
        continue
      }
      for l in 0..<lanes where running[l] { nonFiniteRun[l] = 0 }

      for l in 0..<lanes { trial[l] = controllers[l] }
      var rejecting = LaneMask(repeating: false)
      var acceptFactor = Double.infinity
      var rejectFactor = Double.infinity
      for l in 0..<lanes where running[l] {
        let (accept, factor) = trial[l].decide(error: norms[l], order: tableau.embeddedOrder)
        if accept {
          acceptFactor = min(acceptFactor, factor)
        } else {
          rejecting[l] = true
          rejectFactor = min(rejectFactor, factor)
        }
      }
      if any(rejecting) {
        stats.rejectedSteps += 1
        stats.errorTestFailures += 1
        h = step * rejectFactor
        for l in 0..<lanes where rejecting[l] {
          rejectionRun[l] += 1
          if rejectionRun[l] > options.maxConsecutiveRejections && l < count {
            freeze(l, .stepSizeUnderflow(t: t))
          }
        }
        blamed = rejecting
        blamedNonFinite = LaneMask(repeating: false)
        continue
      }

      // Accept in the running lanes only.
      for l in 0..<lanes { controllers[l] = trial[l] }
      h = min(step * acceptFactor, options.maxStepSize)
      for m in 0..<n { y[m].replace(with: argument[m], where: running) }
      t = landsOnLimit ? limit : t + step
      stats.acceptedSteps += 1
      stats.lastStepSize = step
      f0Current = false
      jacobianCurrent = false
      for l in 0..<lanes { rejectionRun[l] = 0 }
      blamed = LaneMask(repeating: false)
      recordSaves(upTo: t)
      for l in 0..<lanes where running[l] && ends[l] <= t {
        if l < count { freeze(l, .success) } else { running[l] = false }
      }
    }

    for l in 0..<count {
      for i in 0..<n { solution.finalStates[l][i] = y[i][l] }
    }
    stats.rhsEvaluations = rhsCalls
    stats.luFactorizations = lu.factorizations - baseline.0
    stats.linearSolves = lu.solves - baseline.1
    stats.lastOrder = tableau.order
    solution.statistics = stats
    solution.pivotingFallbacks = lu.fallbackFactorizations - baseline.2
    return solution
  }

  /// The stages of one attempt from (t, y) with step `step`, into k; returns the RHS calls made.
  private func stages(t: Double, step: Double) -> Int {
    let a = tableau.a, C = tableau.C, c = tableau.c, d = tableau.d
    let inverseStep = 1 / step
    let autonomous = system.isAutonomous
    var calls = 0
    for i in 0..<s {
      let ki = k + i * n
      if i == 0 {
        for m in 0..<n { ki[m] = f0[m] }
      } else {
        for m in 0..<n { argument[m] = y[m] }
        for j in 0..<i {
          let aij = a[i * s + j]
          if aij != 0 {
            let w = Lanes(repeating: aij)
            let kj = k + j * n
            for m in 0..<n { argument[m] = argument[m].addingProduct(w, kj[m]) }
          }
        }
        system.rhs(t + c[i] * step, argument, ki)
        calls += 1
        for j in 0..<i {
          let w = Lanes(repeating: C[i * s + j] * inverseStep)
          let kj = k + j * n
          for m in 0..<n { ki[m] = ki[m].addingProduct(w, kj[m]) }
        }
      }
      if !autonomous && d[i] != 0 {
        let w = Lanes(repeating: d[i] * step)
        for m in 0..<n { ki[m] = ki[m].addingProduct(w, fT[m]) }
      }
      lu.solve(ki)
    }
    return calls
  }

  /// J at (t, y) into `jacobian` (exact, or forward differences lane by lane as the scalar
  /// ``JacobianEvaluator`` does), and ∂f/∂t into fT for non-autonomous systems.
  private func evaluateJacobian(t: Double, step: Double, rhsCalls: inout Int) {
    jacobian.update(repeating: .zero, count: n * n)
    if let exact = system.jacobian {
      exact(t, y, jacobian)
    } else {
      let sqrtU = Lanes(repeating: Double.ulpOfOne.squareRoot())
      let floor = Lanes(repeating: 1e-5)
      scratch.update(from: y, count: n)
      for j in 0..<n {
        let yj = y[j]
        var minimum = atol[j] * 1e3
        minimum.replace(with: floor, where: atol[j] .<= Lanes.zero)
        scratch[j] = yj + sqrtU * larger(magnitude(yj), minimum)
        let increment = scratch[j] - yj
        system.rhs(t, scratch, argument)
        rhsCalls += 1
        let column = jacobian + j * n
        for i in 0..<n { column[i] = (argument[i] - f0[i]) / increment }
        scratch[j] = yj
      }
    }
    if !system.isAutonomous {
      let dt = Double.ulpOfOne.squareRoot() * max(abs(t), 1e-3 * step, 1e-8)
      system.rhs(t + dt, y, fT)
      rhsCalls += 1
      let inverse = Lanes(repeating: 1 / dt)
      for i in 0..<n { fT[i] = (fT[i] - f0[i]) * inverse }
    }
  }

  /// Per-lane weighted RMS norm of `error`, scaled by max(|y₀|, |y₁|) (y₁ in `argument`), as the
  /// scalar ``ErrorNorm``.
  private func errorNorms() -> Lanes {
    var sum = Lanes.zero
    for i in 0..<n {
      let scale = atol[i] + rtol[i] * larger(magnitude(y[i]), magnitude(argument[i]))
      let r = error[i] / scale
      sum = sum.addingProduct(r, r)
    }
    return (sum / Lanes(repeating: Double(n))).squareRoot()
  }

  /// Per-lane norm of v with weights from y only.
  private func norms(_ v: UnsafePointer<Lanes>) -> Lanes {
    var sum = Lanes.zero
    for i in 0..<n {
      let r = v[i] / (atol[i] + rtol[i] * magnitude(y[i]))
      sum = sum.addingProduct(r, r)
    }
    return (sum / Lanes(repeating: Double(n))).squareRoot()
  }

  private func finiteLanes(_ v: UnsafePointer<Lanes>) -> LaneMask {
    var acc = Lanes.zero
    for i in 0..<n { acc += v[i] * Lanes.zero }  // NaN or ±∞ in a lane makes that lane NaN
    return acc .== Lanes.zero
  }

  /// Hairer's starting step (as ``initialStepSize``) for every running lane, the smallest taken.
  /// The explicit Euler probe uses one shared h₀ (the smallest of the lanes' h₀), as t is shared.
  private func initialStep(t0: Double, running: LaneMask, ends: Lanes) -> Double {
    var limit = Double.infinity
    for l in 0..<EnsembleSystem.lanes where running[l] { limit = min(limit, ends[l]) }
    if options.initialStep > 0 { return min(options.initialStep, options.maxStepSize) }
    let d0 = norms(y), d1 = norms(f0)
    var h0 = Double.infinity
    for l in 0..<EnsembleSystem.lanes where running[l] {
      h0 = min(h0, (d0[l] < 1e-5 || d1[l] < 1e-5) ? 1e-6 : 0.01 * d0[l] / d1[l])
    }
    h0 = min(h0, options.maxStepSize, limit - t0)
    let step = Lanes(repeating: h0)
    for i in 0..<n { scratch[i] = y[i].addingProduct(step, f0[i]) }
    system.rhs(t0 + h0, scratch, argument)
    for i in 0..<n { argument[i] = (argument[i] - f0[i]) / step }
    let d2 = norms(argument)
    let order = Double(tableau.order + 1)
    var h = Double.infinity
    for l in 0..<EnsembleSystem.lanes where running[l] {
      let big = max(d1[l], d2[l])
      let h1 = big <= 1e-15 ? max(1e-6, h0 * 1e-3) : pow(0.01 / big, 1 / order)
      h = min(h, 100 * h0, h1)
    }
    h = min(h, options.maxStepSize, limit - t0)
    if !h.isFinite || h <= 0 { h = min(1e-6, limit - t0) }
    return h
  }
}
