import Foundation
import Testing
@testable import NadsimODE
import NadsimLinearAlgebra
import NadsimProblems

/// The ensemble integrator (four scenarios in SIMD lanes, shared steps) against the scalar Rodas5P
/// solve of each scenario. Problem: HIRES from the Test Set for IVP Solvers (Mazzia, Magherini et
/// al., Univ. Bari, release 2.4, hires.f; reference in NadsimProblems) with hand-made perturbations
/// of its rate constants.
@Suite("Ensemble Rosenbrock")
struct EnsembleRosenbrockTests {
  /// Four parameter sets: nominal, and three with rate constants scaled by ±10–30%.
  static let constants: [Hires.RateConstants] = {
    var sets = [Hires.standard, Hires.standard, Hires.standard, Hires.standard]
    sets[1].k1 *= 1.2; sets[1].k7 *= 0.8; sets[1].oks *= 1.1
    sets[2].k3 *= 0.7; sets[2].k5 *= 1.3; sets[2].k9 *= 1.15
    sets[3].k2 *= 1.1; sets[3].k6 *= 0.9; sets[3].k8 *= 1.25; sets[3].k4 *= 0.85
    return sets
  }()

  static func hires(_ k: Hires.RateConstants, nanAfter: Double? = nil) -> ODESystem {
    ODESystem(dimension: 8, isAutonomous: nanAfter == nil, rhs: { t, y, dy in
      Hires.rhs(y, dy, k)
      if let nanAfter, t > nanAfter { dy[3] = .nan }
    }, jacobian: { _, y, J in Hires.jacobian(y, J, k) })
  }

  static func scalar(_ system: ODESystem, to tEnd: Double, _ tolerances: Tolerances) -> Solution {
    var options = SolverOptions(method: .rodas5p, tolerances: tolerances)
    options.saving = .finalOnly
    return solve(system, from: 0, y0: Hires.initialState, to: tEnd, options: options)
  }

  /// Largest |a − b| / (rtol·|b| + atol) over components.
  static func mixedError(_ a: [Double], _ b: [Double], _ tolerances: Tolerances) -> Double {
    zip(a, b).map { abs($0 - $1) / (tolerances.relative[0] * abs($1) + tolerances.absolute[0]) }.max()!
  }

  /// Prothero–Robinson y′ = λ(y − sin t) + cos t (solution sin t), stiff and non-autonomous, in four
  /// lanes with λ from −10 to −10⁴, built with `lanesOf` from scalar systems that carry their exact
  /// ∂f/∂t = −λ·cos t − sin t, and from the same systems without it. Counters: an attempt costs
  /// f(t, y) and the s − 1 later stages, a task one starting-step probe, and a difference quotient
  /// one more call per attempt.
  @Test("exact ∂f/∂t through lanesOf: lanes track sin t, and no difference-quotient calls are made")
  func exactTimeDerivativeInLanes() {
    let lambdas = [-10.0, -1e2, -1e3, -1e4]
    func system(_ lambda: Double, exact: Bool) -> ODESystem {
      var system = ODESystem(dimension: 1, isAutonomous: false, rhs: { t, y, dy in
        dy[0] = lambda * (y[0] - sin(t)) + cos(t)
      }, jacobian: { _, _, J in J[0, 0] = lambda })
      if exact { system.timeDerivative = { t, _, out in out[0] = -lambda * cos(t) - sin(t) } }
      return system
    }
    let tolerances = Tolerances(relative: 1e-6, absolute: 1e-9)
    for exact in [true, false] {
      let lanes = EnsembleSystem(lanesOf: lambdas.map { system($0, exact: exact) })
      #expect((lanes.timeDerivative != nil) == exact)
      let integrator = EnsembleRosenbrock(system: lanes, options: EnsembleOptions(tolerances: tolerances))
      let result = integrator.solve(from: 0, y0: Array(repeating: [0.0], count: 4), to: Array(repeating: 10, count: 4))
      #expect(result.returnCodes == Array(repeating: .success, count: 4))
      for lane in 0..<4 {
        #expect(abs(result.finalStates[lane][0] - sin(10)) <= 1e-5, "λ = \(lambdas[lane]), exact ∂f/∂t: \(exact)")
        let counters = result.laneStatistics[lane]
        let stages = RosenbrockTableau.rodas5P.stages
        #expect(counters.rhsEvaluations == counters.steps * stages + 1 + (exact ? 0 : counters.steps),
                "λ = \(lambdas[lane]), exact ∂f/∂t: \(exact): \(counters.rhsEvaluations) RHS, \(counters.steps) attempts")
      }
    }
  }

  @Test("every lane agrees with its scalar Rodas5P solve within a few × tolerance", arguments: [1e-4, 1e-6, 1e-8])
  func lanesAgreeWithScalar(rtol: Double) {
    let tolerances = Tolerances(relative: rtol, absolute: 1e-4 * rtol)
    let systems = Self.constants.map { Self.hires($0) }
    let integrator = EnsembleRosenbrock(system: EnsembleSystem(lanesOf: systems),
                                        options: EnsembleOptions(tolerances: tolerances))
    let tEnd = TestProblem.hires.tEnd
    let result = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 4),
                                  to: Array(repeating: tEnd, count: 4))
    #expect(result.returnCodes == Array(repeating: .success, count: 4))
    #expect(result.finalTimes == Array(repeating: tEnd, count: 4))
    #expect(result.pivotingFallbacks == 0)
    for (lane, system) in systems.enumerated() {
      let alone = Self.scalar(system, to: tEnd, tolerances)
      let error = Self.mixedError(result.finalStates[lane], alone.finalState, tolerances)
      #expect(error <= 5, "lane \(lane), rtol \(rtol): \(error) × tolerance from the scalar solve")
    }
    // Lanes take their own steps: as many as the scalar method's (same controller; only the
    // starting-step estimate differs a little).
    for (lane, system) in systems.enumerated() {
      let alone = Self.scalar(system, to: tEnd, tolerances).statistics.acceptedSteps
      let mine = result.laneStatistics[lane].acceptedSteps
      #expect(Double(mine) <= 1.2 * Double(alone) + 2 && Double(mine) >= 0.8 * Double(alone) - 2,
              "lane \(lane): \(mine) accepted steps, scalar \(alone)")
    }
  }

  @Test("per-lane tolerances: each lane is as accurate as its own tolerance asks")
  func perLaneTolerances() {
    let rtols = [1e-4, 1e-6, 1e-8, 1e-6]
    let laneTolerances = rtols.map { Tolerances(relative: $0, absolute: 1e-4 * $0) }
    let systems = Self.constants.map { Self.hires($0) }
    var options = EnsembleOptions()
    options.tolerances = laneTolerances
    let integrator = EnsembleRosenbrock(system: EnsembleSystem(lanesOf: systems), options: options)
    let tEnd = TestProblem.hires.tEnd
    let result = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 4),
                                  to: Array(repeating: tEnd, count: 4))
    #expect(result.returnCodes == Array(repeating: .success, count: 4))
    // Against a much tighter scalar solve: each lane's error is within a few × its own tolerance.
    for lane in 0..<4 {
      let reference = Self.scalar(systems[lane], to: tEnd, Tolerances(relative: 1e-12, absolute: 1e-16))
      let error = Self.mixedError(result.finalStates[lane], reference.finalState, laneTolerances[lane])
      #expect(error <= 5, "lane \(lane), rtol \(rtols[lane]): \(error) × its tolerance from the reference")
    }
    // The loosest lane is still as accurate as the tightest lane's steps make it: no looser than alone.
    let aloneLoose = Self.scalar(systems[0], to: tEnd, laneTolerances[0])
    let reference0 = Self.scalar(systems[0], to: tEnd, Tolerances(relative: 1e-12, absolute: 1e-16))
    #expect(Self.mixedError(result.finalStates[0], reference0.finalState, laneTolerances[0])
            <= Self.mixedError(aloneLoose.finalState, reference0.finalState, laneTolerances[0]) + 0.1)
  }

  @Test("nominal HIRES in every lane reaches the Bari reference at rtol 1e-8")
  func nominalReachesReference() {
    let problem = TestProblem.hires
    let tolerances = problem.tolerances(rtol: 1e-8)
    let integrator = EnsembleRosenbrock(system: EnsembleSystem(lanesOf: [problem.system]),
                                        options: EnsembleOptions(tolerances: tolerances))
    let result = integrator.solve(from: 0, y0: [problem.y0], to: [problem.tEnd])
    #expect(result.returnCodes == [.success])
    let scd = AccuracyMeasures.scd(result.finalStates[0], reference: problem.reference)
    let alone = Self.scalar(problem.system, to: problem.tEnd, tolerances)
    let scdAlone = AccuracyMeasures.scd(alone.finalState, reference: problem.reference)
    #expect(scd >= 6.5, "scd \(scd) (scalar Rodas5P: \(scdAlone))")
    #expect(scd >= scdAlone - 0.5, "scd \(scd) (scalar Rodas5P: \(scdAlone))")
  }

  @Test("lanes with their own end times are frozen there and match scalar solves to those times")
  func ownEndTimes() {
    let tolerances = Tolerances(relative: 1e-7, absolute: 1e-11)
    let systems = Self.constants.map { Self.hires($0) }
    let ends = [100.0, 321.8122, 5.5, 200.0]
    var options = EnsembleOptions(tolerances: tolerances)
    options.saveTimes = [0, 5.5, 1000]
    let integrator = EnsembleRosenbrock(system: EnsembleSystem(lanesOf: systems), options: options)
    let result = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 4), to: ends)
    #expect(result.returnCodes == Array(repeating: .success, count: 4))
    #expect(result.finalTimes == ends)
    for lane in 0..<4 {
      let alone = Self.scalar(systems[lane], to: ends[lane], tolerances)
      let error = Self.mixedError(result.finalStates[lane], alone.finalState, tolerances)
      #expect(error <= 5, "lane \(lane) to t = \(ends[lane]): \(error) × tolerance")
      #expect(Array(result.saved[lane][0..<8]) == Hires.initialState)
      #expect(result.saved[lane][16..<24].allSatisfy { $0.isNaN }, "t = 1000 is never reached")
    }
    #expect(Array(result.saved[2][8..<16]) == result.finalStates[2])
  }

  @Test("a failing lane (NaN parameter, NaN later in the run) does not spoil the others")
  func failingLaneIsolated() {
    let tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)
    var broken = Self.constants[1]
    broken.k7 = .nan
    let systems = [Self.hires(Self.constants[0]), Self.hires(broken),
                   Self.hires(Self.constants[2], nanAfter: 150), Self.hires(Self.constants[3])]
    let integrator = EnsembleRosenbrock(system: EnsembleSystem(lanesOf: systems),
                                        options: EnsembleOptions(tolerances: tolerances))
    let tEnd = TestProblem.hires.tEnd
    let result = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 4),
                                  to: Array(repeating: tEnd, count: 4))
    #expect(result.returnCodes[0] == .success)
    #expect(result.returnCodes[3] == .success)
    #expect(result.returnCodes[1] == .rhsNotFinite(t: 0))
    guard case .rhsNotFinite(let t) = result.returnCodes[2] else {
      Issue.record("lane 2: \(result.returnCodes[2])")
      return
    }
    #expect(t > 140 && t <= 150.0001, "lane 2 failed at t = \(t)")
    #expect(result.finalStates[2].allSatisfy { $0.isFinite }, "a failed lane keeps its last accepted state")
    for lane in [0, 3] {
      let alone = Self.scalar(systems[lane], to: tEnd, tolerances)
      let error = Self.mixedError(result.finalStates[lane], alone.finalState, tolerances)
      #expect(error <= 5, "lane \(lane): \(error) × tolerance")
    }
  }

  @Test("fewer than four scenarios: unused lanes are ignored")
  func partialBatch() {
    let tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)
    let systems = Array(Self.constants.prefix(3)).map { Self.hires($0) }
    let integrator = EnsembleRosenbrock(system: EnsembleSystem(lanesOf: systems),
                                        options: EnsembleOptions(tolerances: tolerances))
    let result = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 3),
                                  to: Array(repeating: 321.8122, count: 3))
    #expect(result.returnCodes.count == 3 && result.returnCodes.allSatisfy { $0 == .success })
    // Counters are per solve: a second solve with the same integrator reports the same.
    let again = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 3),
                                 to: Array(repeating: 321.8122, count: 3))
    #expect(again.laneStatistics == result.laneStatistics)
    #expect(again.finalStates == result.finalStates)
    for st in result.laneStatistics {
      #expect(st.luFactorizations == st.steps)
      #expect(st.linearSolves == 8 * st.steps)
      #expect(st.jacobianEvaluations == st.steps, "every attempt evaluates J in all lanes")
      #expect(st.acceptedSteps + st.rejectedSteps == st.steps)
    }
  }

  @Test("finite-difference Jacobian (no exact one) gives the same answer within tolerance")
  func finiteDifferenceJacobian() {
    let tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)
    let systems = Self.constants.map { Self.hires($0).withoutJacobian }
    let integrator = EnsembleRosenbrock(system: EnsembleSystem(lanesOf: systems),
                                        options: EnsembleOptions(tolerances: tolerances))
    let result = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 4),
                                  to: Array(repeating: 321.8122, count: 4))
    for lane in 0..<4 {
      let alone = Self.scalar(Self.hires(Self.constants[lane]), to: 321.8122, tolerances)
      #expect(Self.mixedError(result.finalStates[lane], alone.finalState, tolerances) <= 5)
    }
  }

  @Test("a stiff system whose matrix needs pivoting at large steps: fallback lanes match scalar solves")
  func pivotingNeededDuringIntegration() {
    // Overdamped oscillator y1′ = y2, y2′ = −k·y1 − c·y2 (eigenvalues ≈ −k/c and −c): J has a zero
    // diagonal entry, so once the steps grow past hγ ≈ 10/k the first pivot 1/(hγ) of
    // I/(hγ) − J is small beside k and the lane needs row interchanges.
    let tolerances = Tolerances(relative: 1e-6, absolute: 1e-9)
    let parameters: [(k: Double, c: Double)] = [(1e3, 1e4), (2e3, 1e4), (5e2, 2e4), (1e3, 5e3)]
    let systems = parameters.map { p in
      ODESystem(dimension: 2, isAutonomous: true, rhs: { _, y, dy in
        dy[0] = y[1]
        dy[1] = -p.k * y[0] - p.c * y[1]
      }, jacobian: { _, _, J in
        J[0, 1] = 1
        J[1, 0] = -p.k
        J[1, 1] = -p.c
      })
    }
    let integrator = EnsembleRosenbrock(system: EnsembleSystem(lanesOf: systems),
                                        options: EnsembleOptions(tolerances: tolerances))
    let y0 = [1.0, 0.0]
    let result = integrator.solve(from: 0, y0: Array(repeating: y0, count: 4), to: Array(repeating: 20, count: 4))
    #expect(result.returnCodes == Array(repeating: .success, count: 4))
    #expect(result.pivotingFallbacks > 0)
    for lane in 0..<4 {
      var options = SolverOptions(method: .rodas5p, tolerances: tolerances)
      options.saving = .finalOnly
      let alone = solve(systems[lane], from: 0, y0: y0, to: 20, options: options)
      let error = Self.mixedError(result.finalStates[lane], alone.finalState, tolerances)
      #expect(error <= 5, "lane \(lane): \(error) × tolerance (\(result.finalStates[lane]) vs \(alone.finalState))")
    }
  }

  @Test("lane LU: a lane that needs row interchanges falls back to partial pivoting, alone")
  func laneLUPivotingFallback() {
    let n = 3
    let lu = LaneLU(dimension: n)
    // M = d·I − J with d = 0: lane 1 is a permutation matrix (zero first pivot), lane 3 has a tiny
    // first pivot; lanes 0 and 2 are diagonally dominant.
    let matrices: [[Double]] = [  // row-major M per lane
      [4, 1, 0, 1, 5, 2, 0, 1, 3],
      [0, 1, 0, 0, 0, 1, 1, 0, 0],
      [6, -1, 2, 0, 3, 1, 1, 1, 7],
      [1e-12, 2, 1, 3, 1, 0, 1, 1, 1],
    ]
    let J = lu.jacobian
    for l in 0..<4 {
      for i in 0..<n { for j in 0..<n { J[i + j * n][l] = -matrices[l][i * n + j] } }
    }
    let ok = lu.factor(diagonal: .zero, needed: LaneMask(repeating: true))
    #expect(all(ok))
    #expect(lu.fallbackLanes == LaneMask([false, true, false, true]))
    #expect(lu.fallbackFactorizations == 2)
    let x: [[Double]] = [[1, 2, 3], [-1, 0.5, 2], [0.25, -4, 1], [3, -2, 1]]
    let b = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: n)
    defer { b.deallocate() }
    for l in 0..<4 {
      for i in 0..<n { b[i][l] = (0..<n).map { matrices[l][i * n + $0] * x[l][$0] }.reduce(0, +) }
    }
    lu.solve(b)
    for l in 0..<4 {
      for i in 0..<n { #expect(abs(b[i][l] - x[l][i]) <= 1e-12 * 10, "lane \(l) x\(i) = \(b[i][l])") }
    }
  }
}
