import Foundation
import NadsimLinearAlgebra

/// A Rosenbrock method (Rodas5P by default, the same ``RosenbrockTableau`` the scalar
/// ``RosenbrockStepper`` uses) that solves many scenarios of one model four at a time, with SIMD4
/// lanes across scenarios: every vector operation, the right-hand side, the Jacobian, the LU of
/// I/(hγ) − J (``LaneLU`` or ``LaneSparseLU``, with the system's compiled ``LaneSparseKernels``
/// when it has them) and the solves work on four lanes at once.
///
/// Lanes are independent integrations. Each lane has its own time, step size, tolerances, PI
/// controller, stop and save times and counters; one pass of the loop makes one step attempt in
/// every busy lane, each with its own h (the matrix I/(hγ) − J is per lane anyway):
/// - a lane whose attempt passes its own error test moves on; a lane that fails it retries with
///   a smaller h while the others move on, so no lane waits for another or takes smaller steps
///   because of another;
/// - a lane that reaches its end hands its result to the ``EnsembleWorkload`` and takes the next
///   task at once, so lanes stay busy until the work runs out;
/// - stops (doses) end a step exactly and the workload may change the lane's state there; save
///   times are served by the method's dense output, without shortening steps.
///
/// Every step the right-hand side and Jacobian are evaluated for all four lanes; a lane whose last
/// attempt was rejected gets the same values again (same t and y, so bit-identical), which costs
/// nothing extra in SIMD. Lane arithmetic never mixes lanes, so a task's result does not depend on
/// which lane it ran in or on its neighbours: runs are reproducible whatever the batching or the
/// number of threads.
///
/// Failure is per lane: non-finite values (the step is cut by 4, 12 times at most), a matrix the
/// solver cannot factorise, more than ``EnsembleOptions/maxConsecutiveRejections`` rejections in a
/// row, a step lost in the rounding of t, or ``EnsembleOptions/maxSteps`` attempts end that task
/// with its return code and last accepted state; the other lanes go on.
public final class EnsembleRosenbrock {
  typealias Lanes = SIMD4<Double>
  public let system: EnsembleSystem
  public let tableau: RosenbrockTableau
  public let options: EnsembleOptions
  let n: Int
  /// The count the weighted RMS norms average over (``EnsembleSystem/normDimension``).
  let normCount: Double
  let s: Int
  /// bⱼ = a_sⱼ (j < s) and b_s = 1: y₁ is the last stage's argument plus k_s (Rodas5P), which
  /// saves the (s−1)·n multiply–adds of the general sum with the same roundings.
  let stifflyAccurate: Bool

  private let block: ScratchBlock<Lanes>
  private let rtol: UnsafeMutablePointer<Lanes>
  private let atol: UnsafeMutablePointer<Lanes>
  private let y: UnsafeMutablePointer<Lanes>
  private let f0: UnsafeMutablePointer<Lanes>
  private let fT: UnsafeMutablePointer<Lanes>
  private let argument: UnsafeMutablePointer<Lanes>
  private let scratch: UnsafeMutablePointer<Lanes>
  private let error: UnsafeMutablePointer<Lanes>
  private let k: UnsafeMutablePointer<Lanes>
  private let denseK: UnsafeMutablePointer<Lanes>
  private let laneState: UnsafeMutablePointer<Double>
  private let lu: LaneLinearSolver
  /// The sums of stages (at most s + 1 terms: s stages and ∂f/∂t).
  private let terms: LaneCombination

  public init(system: EnsembleSystem, options: EnsembleOptions = EnsembleOptions(),
              tableau: RosenbrockTableau = .rodas5P) {
    self.system = system
    self.options = options
    self.tableau = tableau
    n = system.dimension
    normCount = Double(system.normDimension)
    s = tableau.stages
    let stages = tableau.stages
    stifflyAccurate = stages > 1 && tableau.b[stages - 1] == 1
      && (0..<(stages - 1)).allSatisfy { tableau.b[$0] == tableau.a[(stages - 1) * stages + $0] }
    let q = max(tableau.dense.count, 1)
    let count = n * (8 + s + q)
    block = ScratchBlock(capacity: count, zero: .zero)
    let take = block.take
    rtol = take(n)
    atol = take(n)
    y = take(n)
    f0 = take(n)
    fT = take(n)
    argument = take(n)
    scratch = take(n)
    error = take(n)
    k = take(n * s)
    denseK = take(n * q)
    laneState = .allocate(capacity: n)
    laneState.initialize(repeating: 0, count: n)
    lu = makeLaneLinearSolver(for: system)
    terms = LaneCombination(capacity: s + 1)
  }

  deinit {
    laneState.deallocate()
  }

  /// Per-lane bookkeeping of the task it runs.
  private struct Lane: LaneTaskState {
    var task: LaneTask?
    var t = 0.0
    var h = 0.0
    var step = 0.0
    var landsOnStop = false
    var controller = PIController(beta1: 0.7, beta2: 0.4, safety: 0.9, minFactor: 0.2, maxFactor: 6)
    var nextStop = 0
    var nextSave = 0
    var limit = 0.0
    var nextSaveTime = Double.infinity
    var needsStart = false
    var nonFiniteRun = 0
    var rejectionRun = 0
    var nonFiniteSinceErrorTest = false
    var statistics = SolverStatistics()
    var fallbacks = 0
  }

  /// Solves every task `workload` hands out, four lanes at a time, until it has no more.
  public func run(_ workload: EnsembleWorkload) {
    let lanes = EnsembleSystem.lanes
    var lane = [Lane](repeating: Lane(), count: lanes)
    var busy = LaneMask(repeating: false)
    /// Lanes the workload has no more tasks for.
    var exhausted = LaneMask(repeating: false)
    let gamma = tableau.gamma

    let tasks = LaneTasks(workload: workload, options: options, n: n, state: laneState, y: y, rtol: rtol, atol: atol)
    func finish(_ l: Int, _ code: ReturnCode) {
      tasks.finish(&lane, l, code, busy: &busy, lastOrder: tableau.order)
    }
    func refill() {
      tasks.refill(&lane, busy: &busy, exhausted: &exhausted, lastOrder: tableau.order) { lane, _, _ in
        lane.needsStart = true
      }
    }

    refill()
    while any(busy) {
      var times = Lanes.zero
      for l in 0..<lanes { times[l] = lane[l].t }

      // f(t, y) in every lane (rejected lanes get the value they had: same t and y).
      system.rhs(times, y, f0)
      let f0Finite = finiteLanes(f0, count: n)
      for l in 0..<lanes where busy[l] {
        lane[l].statistics.rhsEvaluations += 1
        if !f0Finite[l] { finish(l, .rhsNotFinite(t: lane[l].t)) }
      }

      // Starting steps of new tasks, and of tasks that just passed a stop.
      var starting = LaneMask(repeating: false)
      for l in 0..<lanes where busy[l] && lane[l].needsStart { starting[l] = true }
      if any(starting) { startingSteps(starting, times: times, lanes: &lane) }

      // This attempt's step in each lane, clipped to its next stop or end.
      var steps = Lanes(repeating: 1)
      for l in 0..<lanes where busy[l] {
        let (step, lands) = clippedToLimit(lane[l].h, t: lane[l].t, limit: lane[l].limit)
        if isLostInRounding(step, at: lane[l].t) {
          finish(l, lane[l].nonFiniteSinceErrorTest ? .rhsNotFinite(t: lane[l].t) : .stepSizeUnderflow(t: lane[l].t))
          continue
        }
        if lane[l].statistics.steps >= options.maxSteps {
          finish(l, .maxStepsReached(t: lane[l].t, maxSteps: options.maxSteps))
          continue
        }
        lane[l].step = step
        lane[l].landsOnStop = lands
        lane[l].statistics.steps += 1
        steps[l] = step
      }
      if !any(busy) {
        refill()
        continue
      }

      evaluateJacobian(times: times, steps: steps)
      let diagonal = 1 / (steps * Lanes(repeating: gamma))
      let factored = lu.factor(diagonal: diagonal, needed: busy)
      let fellBack = lu.fallbackLanes
      stages(times: times, steps: steps)
      for l in 0..<lanes where busy[l] {
        lane[l].statistics.jacobianEvaluations += 1
        if system.jacobian == nil { lane[l].statistics.rhsEvaluations += n }
        if !system.isAutonomous && system.timeDerivative == nil { lane[l].statistics.rhsEvaluations += 1 }
        lane[l].statistics.luFactorizations += 1
        lane[l].statistics.linearSolves += s
        lane[l].statistics.rhsEvaluations += s - 1
        if fellBack[l] { lane[l].fallbacks += 1 }
      }

      // Solution (into `argument`) and per-lane error estimate.
      terms.removeAll()
      if stifflyAccurate {
        // `argument` still holds the last stage's argument y₀ + Σⱼ<ₛ a_sⱼ kⱼ.
        terms.append(Lanes(repeating: 1), k + (s - 1) * n)
        terms.evaluate(base: argument, into: argument, count: n)
      } else {
        for j in 0..<s where tableau.b[j] != 0 { terms.append(Lanes(repeating: tableau.b[j]), k + j * n) }
        terms.evaluate(base: y, into: argument, count: n)
      }
      terms.removeAll()
      for j in 0..<s where tableau.bError[j] != 0 { terms.append(Lanes(repeating: tableau.bError[j]), k + j * n) }
      terms.evaluate(base: nil, into: error, count: n)
      let norms = errorNorms()
      let finite = factored .& finiteLanes(argument, count: n) .& (norms .< Lanes(repeating: .infinity))

      var accepted = LaneMask(repeating: false)
      for l in 0..<lanes where busy[l] {
        if !finite[l] {
          // As the scalar stepper: cut h by 4, give up after 12 such attempts in a row.
          lane[l].statistics.rejectedSteps += 1
          lane[l].nonFiniteRun += 1
          lane[l].nonFiniteSinceErrorTest = true
          if lane[l].nonFiniteRun > 12 {
            finish(l, .rhsNotFinite(t: lane[l].t))
          } else {
            lane[l].h = lane[l].step * 0.25
          }
          continue
        }
        lane[l].nonFiniteRun = 0
        let (accept, factor) = lane[l].controller.decide(error: norms[l], order: tableau.embeddedOrder)
        lane[l].nonFiniteSinceErrorTest = false
        if !accept {
          lane[l].statistics.rejectedSteps += 1
          lane[l].statistics.errorTestFailures += 1
          lane[l].rejectionRun += 1
          lane[l].h = lane[l].step * factor
          if lane[l].rejectionRun > options.maxConsecutiveRejections { finish(l, .stepSizeUnderflow(t: lane[l].t)) }
          continue
        }
        lane[l].rejectionRun = 0
        lane[l].statistics.acceptedSteps += 1
        lane[l].statistics.lastStepSize = lane[l].step
        lane[l].h = min(lane[l].step * factor, options.maxStepSize)
        accepted[l] = true
      }
      guard any(accepted) else { continue }

      // Save times inside the accepted steps, from the dense output (y still holds y₀).
      var denseReady = false
      for l in 0..<lanes where accepted[l] {
        let t = lane[l].t, step = lane[l].step
        let tNew = lane[l].landsOnStop ? lane[l].limit : t + step
        tasks.serveSaves(&lane[l], l, through: tNew) { time in
          if !denseReady {
            prepareDenseOutput()
            denseReady = true
          }
          interpolate(lane: l, theta: time == tNew ? 1 : (time - t) / step)
        }
      }
      for m in 0..<n { y[m].replace(with: argument[m], where: accepted) }
      for l in 0..<lanes where accepted[l] {
        if lane[l].landsOnStop {
          lane[l].t = lane[l].limit
          if tasks.passStop(&lane[l], l) {
            // As the scalar integrator's restart: forget the error history, keep the proposed h.
            lane[l].controller.reset()
          } else {
            finish(l, .success)
          }
        } else {
          lane[l].t += lane[l].step
        }
      }
      refill()
    }
  }

  /// The stages of one attempt from (t, y) with each lane's step, into k. Each stage's argument
  /// y + Σⱼ aᵢⱼkⱼ and right-hand side f + Σⱼ (Cᵢⱼ/h)kⱼ (+ dᵢh·∂f/∂t) is one ``LaneCombination``.
  private func stages(times: Lanes, steps: Lanes) {
    let a = tableau.a, C = tableau.C, c = tableau.c, d = tableau.d
    let inverseStep = 1 / steps
    let autonomous = system.isAutonomous
    for i in 0..<s {
      let ki = k + i * n
      if i == 0 {
        ki.update(from: f0, count: n)
      } else {
        terms.removeAll()
        for j in 0..<i where a[i * s + j] != 0 { terms.append(Lanes(repeating: a[i * s + j]), k + j * n) }
        terms.evaluate(base: y, into: argument, count: n)
        system.rhs(times.addingProduct(Lanes(repeating: c[i]), steps), argument, ki)
      }
      terms.removeAll()
      for j in 0..<i { terms.append(Lanes(repeating: C[i * s + j]) * inverseStep, k + j * n) }
      if !autonomous && d[i] != 0 { terms.append(Lanes(repeating: d[i]) * steps, fT) }
      if terms.count > 0 { terms.evaluate(base: ki, into: ki, count: n) }
      lu.solve(ki)
    }
  }

  /// J at (t, y) into the linear solver's storage (``EnsembleSystem/evaluateJacobian``), and ∂f/∂t
  /// into fT for non-autonomous systems (the system's exact one, or a forward difference).
  private func evaluateJacobian(times: Lanes, steps: Lanes) {
    system.evaluateJacobian(t: times, y: y, f0: f0, atol: atol, into: lu.jacobian, count: lu.jacobianCount,
                            scratch: scratch, work: argument)
    guard !system.isAutonomous else { return }
    if let timeDerivative = system.timeDerivative {
      timeDerivative(times, y, fT)
      return
    }
    var dt = Lanes.zero
    for l in 0..<EnsembleSystem.lanes {
      dt[l] = Double.ulpOfOne.squareRoot() * max(abs(times[l]), 1e-3 * steps[l], 1e-8)
    }
    system.rhs(times + dt, y, fT)
    let inverse = 1 / dt
    for i in 0..<n { fT[i] = (fT[i] - f0[i]) * inverse }
  }

  /// Kᵣ = Σⱼ denseᵣⱼ kⱼ for every lane (the Rosenbrock dense output's combinations).
  private func prepareDenseOutput() {
    for r in 0..<tableau.dense.count {
      terms.removeAll()
      for j in 0..<s where tableau.dense[r][j] != 0 { terms.append(Lanes(repeating: tableau.dense[r][j]), k + j * n) }
      terms.evaluate(base: nil, into: denseK + r * n, count: n)
    }
  }

  /// Lane l's solution at t + θh into `laneState`: y(θ) = (1−θ)y₀ + θ(y₁ + (1−θ)Σᵣ θʳKᵣ), the
  /// scalar stepper's formula (y₀ in `y`, y₁ in `argument`); linear when there is no dense output.
  private func interpolate(lane l: Int, theta: Double) {
    let q = tableau.dense.count
    let theta1 = 1 - theta
    for m in 0..<n {
      if theta == 1 {
        laneState[m] = argument[m][l]
        continue
      }
      var inner = 0.0
      if q > 0 {
        for r in stride(from: q - 1, through: 0, by: -1) { inner = denseK[r * n + m][l] + theta * inner }
        laneState[m] = theta1 * y[m][l] + theta * (argument[m][l] + theta1 * inner)
      } else {
        laneState[m] = theta1 * y[m][l] + theta * argument[m][l]
      }
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
    return (sum / Lanes(repeating: normCount)).squareRoot()
  }

  /// Per-lane norm of v with weights from y only.
  private func norms(_ v: UnsafePointer<Lanes>) -> Lanes {
    var sum = Lanes.zero
    for i in 0..<n {
      let r = v[i] / (atol[i] + rtol[i] * magnitude(y[i]))
      sum = sum.addingProduct(r, r)
    }
    return (sum / Lanes(repeating: normCount)).squareRoot()
  }


  /// Starting steps for the lanes in `starting`. A new task gets Hairer's estimate (as
  /// ``initialStepSize``, lane by lane, with its own explicit Euler probe) unless
  /// ``EnsembleOptions/initialStep`` is set; a task that passed a stop keeps its proposed h, as
  /// the scalar integrator's restart does.
  private func startingSteps(_ starting: LaneMask, times: Lanes, lanes lane: inout [Lane]) {
    var probe = LaneMask(repeating: false)
    for l in 0..<EnsembleSystem.lanes where starting[l] {
      lane[l].needsStart = false
      if options.initialStep > 0 {
        lane[l].h = min(options.initialStep, options.maxStepSize)
      } else {
        probe[l] = true
      }
    }
    guard any(probe) else { return }
    let d0 = norms(y), d1 = norms(f0)
    var h0 = Lanes(repeating: 1e-6)
    for l in 0..<EnsembleSystem.lanes where probe[l] {
      let task = lane[l].task!
      var h = (d0[l] < 1e-5 || d1[l] < 1e-5) ? 1e-6 : 0.01 * d0[l] / d1[l]
      h = min(h, options.maxStepSize, task.tEnd - task.t0)
      h0[l] = h
    }
    for i in 0..<n { scratch[i] = y[i].addingProduct(h0, f0[i]) }
    system.rhs(times + h0, scratch, argument)
    for i in 0..<n { argument[i] = (argument[i] - f0[i]) / h0 }
    let d2 = norms(argument)
    let order = Double(tableau.order + 1)
    for l in 0..<EnsembleSystem.lanes where probe[l] {
      lane[l].statistics.rhsEvaluations += 1
      let task = lane[l].task!
      let big = max(d1[l], d2[l])
      let h1 = big <= 1e-15 ? max(1e-6, h0[l] * 1e-3) : pow(0.01 / big, 1 / order)
      var h = min(100 * h0[l], h1, options.maxStepSize, task.tEnd - task.t0)
      if !h.isFinite || h <= 0 { h = min(1e-6, task.tEnd - task.t0) }
      lane[l].h = h
      lane[l].statistics.initialStepSize = h
    }
  }
}
