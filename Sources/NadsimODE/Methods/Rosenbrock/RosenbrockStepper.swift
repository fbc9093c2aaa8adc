import NadsimLinearAlgebra

/// Attempts steps of any ``RosenbrockTableau``: one Jacobian per accepted step (reused after a
/// rejection, since y₀ is unchanged), one LU of I/(hγ) − J per attempt, and one linear solve and
/// at most one RHS call per stage.
///
/// Rosenbrock methods need the exact Jacobian for their order; finite differences are used when
/// the system has none (the Jacobian evaluator counts their RHS calls).
public final class RosenbrockStepper: Stepper {
  public let tableau: RosenbrockTableau
  let system: ODESystem
  let n: Int
  let s: Int
  let norm: ErrorNorm
  var controller = PIController(beta1: 0.7, beta2: 0.4, safety: 0.9, minFactor: 0.2, maxFactor: 6)
  let fixedStep: Double?
  let maxStep: Double
  let jacobian: JacobianEvaluator
  let linear: LinearSolver

  public private(set) var t = 0.0
  public private(set) var tPrevious = 0.0
  public let y: UnsafeMutablePointer<Double>
  public private(set) var proposedStep = 0.0
  private var h = 0.0  // size of the last accepted step (dense output)

  // Workspace: y0 (state at step start), f0 = f(t0, y0), fT = ∂f/∂t, stage argument, stage RHS,
  // stage increments k (s·n), error vector, the three dense-output combinations.
  private let workspace: Workspace
  private let y0: UnsafeMutablePointer<Double>
  private let f0: UnsafeMutablePointer<Double>
  private let fT: UnsafeMutablePointer<Double>
  private let argument: UnsafeMutablePointer<Double>
  private let stageRHS: UnsafeMutablePointer<Double>
  private let k: UnsafeMutablePointer<Double>
  private let error: UnsafeMutablePointer<Double>
  private let denseK: UnsafeMutablePointer<Double>
  private var denseReady = false
  /// True while J at (t, y) is current, i.e. no step has been accepted since it was evaluated.
  private var jacobianCurrent = false
  private var f0Current = false
  private var consecutiveNonFinite = 0
  /// Whether a non-finite evaluation caused a rejection since the last error-test rejection.
  private var nonFiniteSinceErrorTest = false

  private var rhsCalls = 0
  private var stats = SolverStatistics()

  public init(configuration: StepperConfiguration, tableau: RosenbrockTableau) {
    self.tableau = tableau
    system = configuration.system
    n = system.dimension
    s = tableau.stages
    fixedStep = configuration.fixedStepSize
    maxStep = configuration.maxStepSize
    workspace = Workspace(capacity: n * (9 + tableau.stages + max(tableau.dense.count, 1)))
    norm = ErrorNorm(tolerances: configuration.tolerances, dimension: n, workspace: workspace)
    y = workspace.take(n)
    y0 = workspace.take(n)
    f0 = workspace.take(n)
    fT = workspace.take(n)
    argument = workspace.take(n)
    stageRHS = workspace.take(n)
    error = workspace.take(n)
    k = workspace.take(n * tableau.stages)
    denseK = workspace.take(n * max(tableau.dense.count, 1))
    jacobian = JacobianEvaluator(system: system)
    linear = makeLinearSolver(dimension: n, structure: system.jacobianStructure)
  }

  public var statistics: SolverStatistics {
    var st = stats
    st.rhsEvaluations = rhsCalls + jacobian.rhsEvaluations
    st.rhsEvaluationsForJacobian = jacobian.rhsEvaluations
    st.jacobianEvaluations = jacobian.evaluations
    st.luFactorizations = linear.factorizations
    st.linearSolves = linear.solves
    st.lastOrder = tableau.order
    return st
  }

  public func restart(at t0: Double, initialStep: Double) -> ReturnCode? {
    t = t0
    tPrevious = t0
    controller.reset()
    jacobianCurrent = false
    denseReady = false
    consecutiveNonFinite = 0
    nonFiniteSinceErrorTest = false
    system.rhs(t0, y, f0)
    rhsCalls += 1
    guard allFinite(f0, n) else { return .rhsNotFinite(t: t0) }
    f0Current = true
    let start = startingStep(fixedStep: fixedStep, requested: initialStep, maxStep: maxStep) {
      initialStepSize(
        system: system, t0: t0, y0: y, f0: f0, order: tableau.order, norm: norm, direction: 1,
        maxStep: maxStep, limit: .infinity, scratch1: argument, scratch2: stageRHS)
    }
    proposedStep = start.step
    if start.estimated { rhsCalls += 1 }
    return nil
  }

  public func attemptStep(limit: Double) -> StepOutcome {
    let step: Double, landsOnLimit: Bool
    switch clippedStep(proposed: proposedStep, t: t, limit: limit, nonFiniteSinceErrorTest: nonFiniteSinceErrorTest) {
    case .success(let clipped): (step, landsOnLimit) = clipped
    case .failure(let failure): return .failed(failure.code)
    }

    // State at the start of the step: f0 and J belong to it and survive rejections.
    if !f0Current {
      system.rhs(t, y, f0)
      rhsCalls += 1
      f0Current = true
    }
    if !jacobianCurrent {
      jacobian.evaluate(t: t, y: y, f0: f0, atol: norm.atol)
      if !system.isAutonomous {
        if let timeDerivative = system.timeDerivative {
          timeDerivative(t, y, fT)
        } else {
          // ∂f/∂t by a forward difference.
          let dt = Double.ulpOfOne.squareRoot() * max(abs(t), 1e-3 * step, 1e-8)
          system.rhs(t + dt, y, fT)
          rhsCalls += 1
          for i in 0..<n { fT[i] = (fT[i] - f0[i]) / dt }
        }
      }
      jacobianCurrent = true
    }
    guard linear.factor(jacobian: jacobian.storage, diagonal: 1 / (step * tableau.gamma), scale: 1)
    else { return rejectNonFinite(step) }

    // Stages.
    let a = tableau.a, C = tableau.C, c = tableau.c, d = tableau.d
    let inverseStep = 1 / step
    let autonomous = system.isAutonomous
    a.withUnsafeBufferPointer { a in
      C.withUnsafeBufferPointer { C in
        for i in 0..<s {
          let ki = k + i * n
          if i == 0 {
            for m in 0..<n { ki[m] = f0[m] }
          } else {
            for m in 0..<n { argument[m] = y[m] }
            for j in 0..<i {
              let aij = a[i * s + j]
              if aij != 0 {
                let kj = k + j * n
                for m in 0..<n { argument[m] += aij * kj[m] }
              }
            }
            system.rhs(t + c[i] * step, argument, ki)
            rhsCalls += 1
            for j in 0..<i {
              let cij = C[i * s + j] * inverseStep
              let kj = k + j * n
              for m in 0..<n { ki[m] += cij * kj[m] }
            }
          }
          if !autonomous && d[i] != 0 {
            let di = d[i] * step
            for m in 0..<n { ki[m] += di * fT[m] }
          }
          linear.solve(ki)
        }
      }
    }

    // Solution and error estimate.
    for m in 0..<n { argument[m] = y[m]; error[m] = 0 }
    for j in 0..<s {
      let bj = tableau.b[j], ej = tableau.bError[j]
      let kj = k + j * n
      if bj != 0 { for m in 0..<n { argument[m] += bj * kj[m] } }
      if ej != 0 { for m in 0..<n { error[m] += ej * kj[m] } }
    }
    let errorNorm = norm(error, y, argument)
    guard errorNorm.isFinite, allFinite(argument, n) else { return rejectNonFinite(step) }
    consecutiveNonFinite = 0

    if fixedStep == nil {
      let (accept, factor) = controller.decide(error: errorNorm, order: tableau.embeddedOrder)
      if !accept {
        proposedStep = step * factor
        stats.errorTestFailures += 1
        nonFiniteSinceErrorTest = false
        return .rejected
      }
      proposedStep = min(step * factor, maxStep)
    } else {
      proposedStep = fixedStep!
    }

    // Accept: keep y0 for dense output, move on.
    for m in 0..<n { y0[m] = y[m]; y[m] = argument[m] }
    tPrevious = t
    t = landsOnLimit ? limit : t + step
    h = step
    stats.lastStepSize = step
    denseReady = false
    jacobianCurrent = false
    f0Current = false
    return .accepted
  }

  private func rejectNonFinite(_ step: Double) -> StepOutcome {
    consecutiveNonFinite += 1
    nonFiniteSinceErrorTest = true
    if consecutiveNonFinite > 12 { return .failed(.rhsNotFinite(t: t)) }
    proposedStep = step * 0.25
    return .rejected
  }

  public func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>) {
    let theta = h > 0 ? (time - tPrevious) / h : 1
    let q = tableau.dense.count
    if q == 0 {
      // Linear interpolation when the method has no dense output of its own.
      for m in 0..<n { out[m] = (1 - theta) * y0[m] + theta * y[m] }
      return
    }
    if !denseReady {
      for r in 0..<q {
        let kr = denseK + r * n
        for m in 0..<n { kr[m] = 0 }
        for j in 0..<s {
          let w = tableau.dense[r][j]
          let kj = k + j * n
          for m in 0..<n { kr[m] += w * kj[m] }
        }
      }
      denseReady = true
    }
    let theta1 = 1 - theta
    for m in 0..<n {
      var inner = 0.0
      for r in stride(from: q - 1, through: 0, by: -1) { inner = denseK[r * n + m] + theta * inner }
      out[m] = theta1 * y0[m] + theta * (y[m] + theta1 * inner)
    }
  }
}
