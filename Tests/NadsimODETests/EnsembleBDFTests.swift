import Foundation
import Testing
@testable import NadsimODE
import NadsimProblems

/// The lane BDF (``EnsembleBDF``) against references from outside the code: the closed-form
/// solution of the Prothero–Robinson problem, the Bari reference of HIRES (Test Set for IVP
/// Solvers, release 2.4, hires.f; in NadsimProblems), and the scalar ``BDFStepper`` on each lane's
/// problem alone (same method, so the same steps up to rounding).
@Suite("Ensemble BDF")
struct EnsembleBDFTests {
  /// Prothero–Robinson: y′ = λ(y − sin t) + cos t, y(0) = 0, whose solution is y = sin t for every
  /// λ (Prothero & Robinson, Math. Comp. 28 (1974) 145). λ per lane, from mildly to very stiff.
  static func protheroRobinson(_ lambda: Double) -> ODESystem {
    ODESystem(dimension: 1, rhs: { t, y, dy in dy[0] = lambda * (y[0] - sin(t)) + cos(t) },
              jacobian: { _, _, J in J[0, 0] = lambda })
  }

  @Test("Prothero–Robinson with λ from −10 to −10⁶: every lane follows sin t")
  func protheroRobinsonLanes() {
    let lambdas = [-10.0, -1e3, -1e5, -1e6]
    let tolerances = Tolerances(relative: 1e-6, absolute: 1e-9)
    var options = EnsembleOptions(tolerances: tolerances)
    options.saveTimes = [0.5, 1, 2.5, 4, 7.25]
    let integrator = EnsembleBDF(system: EnsembleSystem(lanesOf: lambdas.map(Self.protheroRobinson)), options: options)
    let result = integrator.solve(from: 0, y0: Array(repeating: [0.0], count: 4), to: Array(repeating: 10, count: 4))
    #expect(result.returnCodes == Array(repeating: .success, count: 4))
    for lane in 0..<4 {
      // Global error of a tolerance-controlled run: allow 100× the local tolerance.
      #expect(abs(result.finalStates[lane][0] - sin(10)) <= 1e-4, "λ = \(lambdas[lane]): \(result.finalStates[lane][0])")
      for (k, t) in options.saveTimes.enumerated() {
        #expect(abs(result.saved[lane][k] - sin(t)) <= 1e-4, "λ = \(lambdas[lane]), t = \(t): dense output")
      }
    }
  }

  @Test("nominal HIRES in every lane reaches the Bari reference as the scalar BDF does", arguments: [1e-6, 1e-8])
  func hiresReference(rtol: Double) {
    let problem = TestProblem.hires
    let tolerances = problem.tolerances(rtol: rtol)
    let integrator = EnsembleBDF(system: EnsembleSystem(lanesOf: [problem.system]), options: EnsembleOptions(tolerances: tolerances))
    let result = integrator.solve(from: 0, y0: [problem.y0], to: [problem.tEnd])
    #expect(result.returnCodes == [.success])
    var options = SolverOptions(method: .bdf, tolerances: tolerances)
    options.saving = .finalOnly
    let alone = solve(problem.system, from: 0, y0: problem.y0, to: problem.tEnd, options: options)
    let scd = AccuracyMeasures.scd(result.finalStates[0], reference: problem.reference)
    let scdAlone = AccuracyMeasures.scd(alone.finalState, reference: problem.reference)
    #expect(scd >= scdAlone - 0.3, "scd \(scd) (scalar BDF: \(scdAlone))")
    #expect(scd >= (rtol == 1e-6 ? 4.5 : 6.5), "scd \(scd)")
    // Same method, same decisions up to rounding (the lanes factorise (1/γ)I − J, the scalar
    // stepper I − γJ). Rounding differences can flip an order or step choice, after which the two
    // paths differ: measured 411 vs 410 steps at rtol 1e-6 and 828 vs 758 at 1e-8.
    let lane = result.laneStatistics[0], scalar = alone.statistics
    #expect(abs(Double(lane.steps - scalar.steps)) <= 0.12 * Double(scalar.steps), "steps \(lane.steps) vs \(scalar.steps)")
    #expect(lane.acceptedSteps + lane.rejectedSteps == lane.steps)
    #expect(lane.newtonIterations == lane.linearSolves)
  }

  @Test("perturbed HIRES in four lanes: each matches its scalar BDF solve; finite differences too")
  func perturbedLanes() {
    let tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)
    for exact in [true, false] {
      let systems = EnsembleRosenbrockTests.constants.map { k -> ODESystem in
        let system = EnsembleRosenbrockTests.hires(k)
        return exact ? system : system.withoutJacobian
      }
      let integrator = EnsembleBDF(system: EnsembleSystem(lanesOf: systems), options: EnsembleOptions(tolerances: tolerances))
      let result = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 4),
                                    to: [321.8122, 100, 321.8122, 250])
      for lane in 0..<4 {
        var options = SolverOptions(method: .bdf, tolerances: tolerances)
        options.saving = .finalOnly
        let alone = solve(EnsembleRosenbrockTests.hires(EnsembleRosenbrockTests.constants[lane]), from: 0,
                          y0: Hires.initialState, to: result.finalTimes[lane], options: options)
        #expect(result.returnCodes[lane] == .success)
        let error = EnsembleRosenbrockTests.mixedError(result.finalStates[lane], alone.finalState, tolerances)
        #expect(error <= 5, "lane \(lane) (exact J: \(exact)): \(error) × tolerance")
        if !exact { #expect(result.laneStatistics[lane].rhsEvaluationsForJacobian == 8 * result.laneStatistics[lane].jacobianEvaluations) }
      }
    }
  }

  @Test("a failing lane (NaN parameter, NaN later in the run) does not spoil the others")
  func failingLaneIsolated() {
    let tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)
    var broken = EnsembleRosenbrockTests.constants[1]
    broken.k7 = .nan
    let c = EnsembleRosenbrockTests.constants
    let systems = [EnsembleRosenbrockTests.hires(c[0]), EnsembleRosenbrockTests.hires(broken),
                   EnsembleRosenbrockTests.hires(c[2], nanAfter: 150), EnsembleRosenbrockTests.hires(c[3])]
    let integrator = EnsembleBDF(system: EnsembleSystem(lanesOf: systems), options: EnsembleOptions(tolerances: tolerances))
    let tEnd = TestProblem.hires.tEnd
    let result = integrator.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 4), to: Array(repeating: tEnd, count: 4))
    #expect(result.returnCodes[0] == .success)
    #expect(result.returnCodes[3] == .success)
    #expect(result.returnCodes[1] == .rhsNotFinite(t: 0))
    if case .rhsNotFinite(let t) = result.returnCodes[2] {
      #expect(t > 140 && t <= 150.0001, "lane 2 failed at t = \(t)")
    } else {
      Issue.record("lane 2: \(result.returnCodes[2])")
    }
    #expect(result.finalStates[2].allSatisfy { $0.isFinite }, "a failed lane keeps its last accepted state")
    // The healthy lanes are bit for bit what they are beside healthy neighbours.
    let healthy = EnsembleBDF(system: EnsembleSystem(lanesOf: [systems[0], EnsembleRosenbrockTests.hires(c[1]),
                                                               EnsembleRosenbrockTests.hires(c[2]), systems[3]]),
                              options: EnsembleOptions(tolerances: tolerances))
    let clean = healthy.solve(from: 0, y0: Array(repeating: Hires.initialState, count: 4), to: Array(repeating: tEnd, count: 4))
    #expect(clean.finalStates[0] == result.finalStates[0])
    #expect(clean.finalStates[3] == result.finalStates[3])
  }
}
