/// Attempts steps of any ``ExplicitRKTableau``: s − 1 RHS calls per attempt for an FSAL pair
/// (the first stage is the last one of the previous step), s for one that is not (the first
/// stage f(t, y) is evaluated at the start of the next attempt, or when the dense output needs it,
/// and then reused).
///
/// Adaptive steps use the tableau's error estimator and PI controller; after a rejection the next
/// accepted step may not grow (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4). With
/// ``StepperConfiguration/fixedStepSize`` every step has that size and is accepted without an
/// error test. A non-finite RHS or state makes the attempt a rejection with h/4; 12 in a row end
/// the run with ``ReturnCode/rhsNotFinite(t:)``.
public final class ExplicitRKStepper: Stepper {
  public let tableau: ExplicitRKTableau
  let system: ODESystem
  let n: Int
  let s: Int
  let norm: ErrorNorm
  var controller: PIController
  let fixedStep: Double?
  let maxStep: Double

  public private(set) var t = 0.0
  public private(set) var tPrevious = 0.0
  public let y: UnsafeMutablePointer<Double>
  public private(set) var proposedStep = 0.0
  /// Size of the last accepted step (dense output).
  private(set) var h = 0.0

  /// When true, each attempt also estimates h·ρ(J) from its last two stages (see
  /// ``stiffnessEstimate``). Off by default: it costs a pass over 4n numbers.
  var estimatesStiffness = false
  /// h·‖kₛ − kₛ₋₁‖ / ‖gₛ − gₛ₋₁‖ of the last attempt (weighted norms), gᵢ the argument of stage i: a
  /// cheap estimate of h·ρ(∂f/∂y) when the last two stages share their node (Tsit5: c₆ = c₇ = 1;
  /// Hairer, Nørsett & Wanner, Solving ODEs II, §IV.2; Shampine 1977). NaN when not estimated.
  private(set) var stiffnessEstimate = Double.nan
  /// Whether the tableau allows ``stiffnessEstimate``: FSAL with cₛ₋₁ = cₛ.
  let canEstimateStiffness: Bool

  // Coefficients copied out of the tableau, so the inner loops read raw memory.
  private let a: UnsafeMutablePointer<Double>
  private let b: UnsafeMutablePointer<Double>
  private let bError: UnsafeMutablePointer<Double>
  private let bThirdOrder: UnsafeMutablePointer<Double>?
  private let c: UnsafeMutablePointer<Double>
  /// Polynomial interpolant rⱼₚ, row-major s × q (q = `interpolantDegree`).
  private let interpolantCoefficients: UnsafeMutablePointer<Double>
  private let interpolantDegree: Int
  /// DOP853 dense output: extra-stage rows (3 × 16), their nodes (3), rows d (4 × 16).
  let denseA: UnsafeMutablePointer<Double>
  let denseC: UnsafeMutablePointer<Double>
  let denseD: UnsafeMutablePointer<Double>

  // State buffers: y0 (start of the last accepted step), two stage arguments used in turn (so
  // the last two survive for the stiffness estimate), error vectors, stages k (the s stages, then
  // f(t₁, y₁) for a non-FSAL pair, then DOP853's three extra stages), dense-output vectors.
  private let workspace: Workspace
  let y0: UnsafeMutablePointer<Double>
  let argumentA: UnsafeMutablePointer<Double>
  let argumentB: UnsafeMutablePointer<Double>
  private let error: UnsafeMutablePointer<Double>
  private let errorThirdOrder: UnsafeMutablePointer<Double>
  let k: UnsafeMutablePointer<Double>
  let dense: UnsafeMutablePointer<Double>
  private let thetaWeights: UnsafeMutablePointer<Double>
  /// A weighted sum of stages with its zero weights dropped, set up once: the stage vectors and
  /// their coefficients (multiplied by h when used).
  struct Combination {
    let stages: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    let coefficients: UnsafeMutablePointer<Double>
    let count: Int

    /// The nonzero entries of coefficients[0..<count], over the stage vectors of `dimension`
    /// values stored one after the other from `base`.
    init(_ coefficients: UnsafeMutablePointer<Double>, count: Int,
         stages base: UnsafeMutablePointer<Double>, dimension n: Int) {
      let nonzero = (0..<count).filter { coefficients[$0] != 0 }
      stages = .allocate(capacity: max(nonzero.count, 1))
      self.coefficients = .allocate(capacity: max(nonzero.count, 1))
      for (u, j) in nonzero.enumerated() {
        (stages + u).initialize(to: base + j * n)
        (self.coefficients + u).initialize(to: coefficients[j])
      }
      self.count = nonzero.count
    }
  }
  /// Stage rows 1…s−1 of `a` (index i − 1), then b, bError, the order-3 weights, DOP853's three
  /// extra-stage rows and four d rows, as present.
  private var combinations: [Combination] = []
  let stageRows: UnsafeMutablePointer<Combination>
  private let propagated: Combination
  private let errorCombination: Combination
  private let thirdOrderCombination: Combination?
  let denseStageRows: UnsafeMutablePointer<Combination>
  let denseRows: UnsafeMutablePointer<Combination>
  /// Stage index that holds f(t₁, y₁) after an accepted step.
  let endStage: Int

  private enum FirstStage {
    /// k₁ = f(t, y) is in stage 0.
    case current
    /// Must be evaluated.
    case stale
    /// Is in this stage; copy it to stage 0.
    case inStage(Int)
  }
  private var firstStage = FirstStage.stale
  /// Whether `endStage` holds f(t, y) for the last accepted step.
  private var endDerivativeReady = false
  var denseReady = false
  private var lastRejected = false
  private var consecutiveNonFinite = 0
  /// Whether a non-finite evaluation caused a rejection since the last error-test rejection.
  private var nonFiniteSinceErrorTest = false

  var rhsCalls = 0
  private var stats = SolverStatistics()

  public init(configuration: StepperConfiguration, tableau: ExplicitRKTableau) {
    self.tableau = tableau
    system = configuration.system
    n = system.dimension
    s = tableau.stages
    fixedStep = configuration.fixedStepSize
    maxStep = configuration.maxStepSize
    controller = tableau.controller
    canEstimateStiffness = tableau.isFSAL && s >= 2 && tableau.c[s - 2] == tableau.c[s - 1]

    var degree = 0
    var isDOP853Dense = false
    switch tableau.interpolant {
    case .polynomial(let rows): degree = rows.map(\.count).max() ?? 0
    case .dormandPrince853: isDOP853Dense = true
    }
    interpolantDegree = degree
    endStage = tableau.isFSAL ? s - 1 : s
    let stageCount = endStage + 1 + (isDOP853Dense ? 3 : 0)

    let coefficientCount = s * s + 4 * s + s * degree + (isDOP853Dense ? 3 * 16 + 3 + 4 * 16 : 0)
    let stateCount = n * (6 + stageCount + (isDOP853Dense ? 7 : 0)) + s
    workspace = Workspace(capacity: coefficientCount + stateCount + 2 * n)
    norm = ErrorNorm(tolerances: configuration.tolerances, dimension: n, workspace: workspace)

    a = workspace.take(s * s)
    b = workspace.take(s)
    bError = workspace.take(s)
    c = workspace.take(s)
    let third = workspace.take(s)
    for i in 0..<(s * s) { a[i] = tableau.a[i] }
    for j in 0..<s {
      b[j] = tableau.b[j]
      bError[j] = tableau.bError[j]
      c[j] = tableau.c[j]
    }
    if case .dormandPrince853(let weights) = tableau.errorEstimator {
      for j in 0..<s { third[j] = weights[j] }
      bThirdOrder = third
    } else {
      bThirdOrder = nil
    }
    interpolantCoefficients = workspace.take(s * degree)
    if case .polynomial(let rows) = tableau.interpolant {
      for j in 0..<s {
        for p in 0..<degree { interpolantCoefficients[j * degree + p] = p < rows[j].count ? rows[j][p] : 0 }
      }
    }
    denseA = workspace.take(isDOP853Dense ? 3 * 16 : 0)
    denseC = workspace.take(isDOP853Dense ? 3 : 0)
    denseD = workspace.take(isDOP853Dense ? 4 * 16 : 0)
    if case .dormandPrince853(let continuous) = tableau.interpolant {
      for e in 0..<3 {
        denseC[e] = continuous.c[e]
        for j in 0..<16 { denseA[e * 16 + j] = continuous.a[e][j] }
      }
      for r in 0..<4 { for j in 0..<16 { denseD[r * 16 + j] = continuous.d[r][j] } }
    }

    y = workspace.take(n)
    y0 = workspace.take(n)
    argumentA = workspace.take(n)
    argumentB = workspace.take(n)
    error = workspace.take(n)
    errorThirdOrder = workspace.take(n)
    k = workspace.take(n * stageCount)
    dense = workspace.take(isDOP853Dense ? 7 * n : 0)
    thetaWeights = workspace.take(s)

    // The combinations, from the coefficients copied above.
    let (stagesBase, dimension) = (k, n)
    func makeCombination(_ coefficients: UnsafeMutablePointer<Double>, count: Int) -> Combination {
      Combination(coefficients, count: count, stages: stagesBase, dimension: dimension)
    }
    let (aBase, bBase, eBase, stages) = (a, b, bError, s)
    var all: [Combination] = []
    for i in 1..<stages { all.append(makeCombination(aBase + i * stages, count: i)) }
    propagated = makeCombination(bBase, count: stages)
    errorCombination = makeCombination(eBase, count: stages)
    if let third = bThirdOrder {
      thirdOrderCombination = makeCombination(third, count: stages)
    } else {
      thirdOrderCombination = nil
    }
    all += [propagated, errorCombination] + (thirdOrderCombination.map { [$0] } ?? [])
    stageRows = .allocate(capacity: max(s - 1, 1))
    for i in 1..<stages { (stageRows + i - 1).initialize(to: all[i - 1]) }
    denseStageRows = .allocate(capacity: 3)
    denseRows = .allocate(capacity: 4)
    if isDOP853Dense {
      for e in 0..<3 {
        let row = makeCombination(denseA + e * 16, count: 13 + e)
        (denseStageRows + e).initialize(to: row)
        all.append(row)
      }
      for r in 0..<4 {
        let row = makeCombination(denseD + r * 16, count: 16)
        (denseRows + r).initialize(to: row)
        all.append(row)
      }
    }
    combinations = all
  }

  deinit {
    for combination in combinations {
      combination.stages.deallocate()
      combination.coefficients.deallocate()
    }
    stageRows.deallocate()
    denseStageRows.deallocate()
    denseRows.deallocate()
  }

  public var statistics: SolverStatistics {
    var st = stats
    st.rhsEvaluations = rhsCalls
    st.lastOrder = tableau.order
    return st
  }

  public func restart(at t0: Double, initialStep: Double) -> ReturnCode? {
    t = t0
    tPrevious = t0
    h = 0
    controller = tableau.controller
    lastRejected = false
    consecutiveNonFinite = 0
    nonFiniteSinceErrorTest = false
    denseReady = false
    endDerivativeReady = false
    stiffnessEstimate = .nan
    system.rhs(t0, y, k)
    rhsCalls += 1
    guard allFinite(k, n) else {
      firstStage = .stale
      return .rhsNotFinite(t: t0)
    }
    firstStage = .current
    let start = startingStep(fixedStep: fixedStep, requested: initialStep, maxStep: maxStep) {
      initialStepSize(
        system: system, t0: t0, y0: y, f0: k, order: tableau.order, norm: norm, direction: 1,
        maxStep: maxStep, limit: .infinity, scratch1: argumentA, scratch2: argumentB)
    }
    proposedStep = start.step
    if start.estimated { rhsCalls += 1 }
    return nil
  }

  /// Makes stage 0 hold f(t, y).
  @inline(__always)
  private func prepareFirstStage() {
    switch firstStage {
    case .current:
      break
    case .inStage(let index):
      let source = k + index * n
      for m in 0..<n { k[m] = source[m] }
    case .stale:
      system.rhs(t, y, k)
      rhsCalls += 1
    }
    firstStage = .current
  }

  public func attemptStep(limit: Double) -> StepOutcome {
    let step: Double, landsOnLimit: Bool
    switch clippedStep(proposed: proposedStep, t: t, limit: limit, nonFiniteSinceErrorTest: nonFiniteSinceErrorTest) {
    case .success(let clipped): (step, landsOnLimit) = clipped
    case .failure(let failure): return .failed(failure.code)
    }
    let tNew = landsOnLimit ? limit : t + step
    prepareFirstStage()

    // Stages 2…s: gᵢ = y + h Σⱼ<ᵢ aᵢⱼ kⱼ, kᵢ = f(t + cᵢh, gᵢ). Arguments alternate between two
    // buffers, so that after the loop the last two are both available.
    for i in 1..<s {
      let argument = (i & 1) == 1 ? argumentA : argumentB
      combine(into: argument, y, stageRows[i - 1], step: step)
      system.rhs(c[i] == 1 ? tNew : t + c[i] * step, argument, k + i * n)
    }
    rhsCalls += s - 1

    // y₁: for an FSAL pair it is the last stage's argument.
    let lastArgument = ((s - 1) & 1) == 1 ? argumentA : argumentB
    let candidate: UnsafeMutablePointer<Double>
    if tableau.isFSAL {
      candidate = lastArgument
    } else {
      candidate = lastArgument == argumentA ? argumentB : argumentA
      combine(into: candidate, y, propagated, step: step)
    }

    if let fixed = fixedStep {
      guard allFinite(candidate, n) else { return rejectNonFinite(step) }
      if estimatesStiffness { estimateStiffness(step: step, candidate: candidate) }
      proposedStep = fixed
    } else {
      var errorNorm = weightedError(step: step, errorCombination, into: error, candidate: candidate)
      if let third = thirdOrderCombination {
        // Dormand–Prince 8(5,3): err = ‖e₅‖² / √(‖e₅‖² + 0.01‖e₃‖²).
        let e3 = weightedError(step: step, third, into: errorThirdOrder, candidate: candidate)
        let e5squared = errorNorm * errorNorm
        let denominator = e5squared + 0.01 * e3 * e3
        errorNorm = denominator > 0 ? e5squared / denominator.squareRoot() : 0
      }
      guard errorNorm.isFinite, allFinite(candidate, n) else { return rejectNonFinite(step) }
      if estimatesStiffness { estimateStiffness(step: step, candidate: candidate) }
      let (accept, factor) = controller.decide(error: errorNorm, order: tableau.errorEstimateOrder)
      if !accept {
        consecutiveNonFinite = 0
        proposedStep = step * factor
        lastRejected = true
        stats.errorTestFailures += 1
        nonFiniteSinceErrorTest = false
        return .rejected
      }
      proposedStep = min(step * (lastRejected ? min(factor, 1) : factor), maxStep)
      lastRejected = false
    }
    consecutiveNonFinite = 0

    // Accept: keep y₀ for the dense output, move on.
    for m in 0..<n {
      y0[m] = y[m]
      y[m] = candidate[m]
    }
    tPrevious = t
    t = tNew
    h = step
    stats.lastStepSize = step
    denseReady = false
    if tableau.isFSAL {
      firstStage = .inStage(endStage)
      endDerivativeReady = true
    } else {
      firstStage = .stale
      endDerivativeReady = false
    }
    return .accepted
  }

  /// out = base + h Σ cⱼ kⱼ over the nonzero coefficients of `combination` (base nil: 0).
  ///
  /// Up to four stages per pass over the components, rather than one axpy per stage: a stage
  /// argument is then written ⌈i/4⌉ times instead of i + 1, and each pass vectorises.
  @inline(__always)
  func combine(into out: UnsafeMutablePointer<Double>, _ base: UnsafeMutablePointer<Double>?,
               _ combination: Combination, step: Double) {
    var source = base
    var start = 0
    repeat {
      let chunk = min(4, combination.count - start)
      let c = combination.coefficients + start, p = combination.stages + start
      switch (chunk, source) {
      case (4, let src?):
        let (p0, p1, p2, p3) = (p[0], p[1], p[2], p[3])
        let (w0, w1, w2, w3) = (step * c[0], step * c[1], step * c[2], step * c[3])
        for m in 0..<n { out[m] = src[m] + w0 * p0[m] + w1 * p1[m] + w2 * p2[m] + w3 * p3[m] }
      case (4, nil):
        let (p0, p1, p2, p3) = (p[0], p[1], p[2], p[3])
        let (w0, w1, w2, w3) = (step * c[0], step * c[1], step * c[2], step * c[3])
        for m in 0..<n { out[m] = w0 * p0[m] + w1 * p1[m] + w2 * p2[m] + w3 * p3[m] }
      case (3, let src?):
        let (p0, p1, p2) = (p[0], p[1], p[2])
        let (w0, w1, w2) = (step * c[0], step * c[1], step * c[2])
        for m in 0..<n { out[m] = src[m] + w0 * p0[m] + w1 * p1[m] + w2 * p2[m] }
      case (3, nil):
        let (p0, p1, p2) = (p[0], p[1], p[2])
        let (w0, w1, w2) = (step * c[0], step * c[1], step * c[2])
        for m in 0..<n { out[m] = w0 * p0[m] + w1 * p1[m] + w2 * p2[m] }
      case (2, let src?):
        let (p0, p1, w0, w1) = (p[0], p[1], step * c[0], step * c[1])
        for m in 0..<n { out[m] = src[m] + w0 * p0[m] + w1 * p1[m] }
      case (2, nil):
        let (p0, p1, w0, w1) = (p[0], p[1], step * c[0], step * c[1])
        for m in 0..<n { out[m] = w0 * p0[m] + w1 * p1[m] }
      case (1, let src?):
        let (p0, w0) = (p[0], step * c[0])
        for m in 0..<n { out[m] = src[m] + w0 * p0[m] }
      case (1, nil):
        let (p0, w0) = (p[0], step * c[0])
        for m in 0..<n { out[m] = w0 * p0[m] }
      case (_, let src?):
        if src != out { out.update(from: src, count: n) }
      case (_, nil):
        out.update(repeating: 0, count: n)
      }
      source = out
      start += chunk
    } while start < combination.count
  }

  /// ‖h Σⱼ wⱼ kⱼ‖ in the weighted RMS norm; the vector is left in `into`.
  @inline(__always)
  private func weightedError(step: Double, _ weights: Combination,
                             into e: UnsafeMutablePointer<Double>,
                             candidate: UnsafeMutablePointer<Double>) -> Double {
    combine(into: e, nil, weights, step: step)
    return norm(e, y, candidate)
  }

  private func estimateStiffness(step: Double, candidate: UnsafeMutablePointer<Double>) {
    guard canEstimateStiffness else { return }
    let previousArgument = ((s - 2) & 1) == 1 ? argumentA : argumentB
    let kLast = k + (s - 1) * n, kPrevious = k + (s - 2) * n
    // Both norms with the error weights, so that the ratio does not depend on the units of the
    // components (a stiff mode living in a tiny component, like ROBER's y₂, still shows).
    var numerator = 0.0, denominator = 0.0
    for m in 0..<n {
      let weight = 1 / (norm.atol[m] + norm.rtol[m] * abs(y[m]))
      let dk = (kLast[m] - kPrevious[m]) * weight
      let dg = (candidate[m] - previousArgument[m]) * weight
      numerator += dk * dk
      denominator += dg * dg
    }
    stiffnessEstimate = denominator > 0 ? step * (numerator / denominator).squareRoot() : 0
  }

  private func rejectNonFinite(_ step: Double) -> StepOutcome {
    consecutiveNonFinite += 1
    nonFiniteSinceErrorTest = true
    if consecutiveNonFinite > 12 { return .failed(.rhsNotFinite(t: t)) }
    proposedStep = step * 0.25
    lastRejected = true
    stiffnessEstimate = .nan
    return .rejected
  }

  /// Makes `endStage` hold f(t₁, y₁) of the last accepted step (one RHS call unless the pair is
  /// FSAL or it was already done); the next step reuses it as its first stage.
  func ensureEndDerivative() {
    guard !endDerivativeReady else { return }
    system.rhs(t, y, k + endStage * n)
    rhsCalls += 1
    endDerivativeReady = true
    firstStage = .inStage(endStage)
  }

  public func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>) {
    let theta = h > 0 ? (time - tPrevious) / h : 1
    switch tableau.interpolant {
    case .polynomial:
      // bⱼ(θ) by Horner, then y₀ + h Σ bⱼ(θ) kⱼ.
      let q = interpolantDegree
      for j in 0..<s {
        let r = interpolantCoefficients + j * q
        var w = 0.0
        for p in stride(from: q - 1, through: 0, by: -1) { w = (w + r[p]) * theta }
        thetaWeights[j] = w * h
      }
      for m in 0..<n { out[m] = y0[m] }
      for j in 0..<s where thetaWeights[j] != 0 {
        let w = thetaWeights[j]
        let kj = k + j * n
        for m in 0..<n { out[m] += w * kj[m] }
      }
    case .dormandPrince853:
      if !denseReady { prepareDOP853Dense() }
      evaluateDOP853Dense(theta: theta, into: out)
    }
  }
}
