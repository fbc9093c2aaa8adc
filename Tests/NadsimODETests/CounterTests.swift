import Testing
import NadsimODE
import NadsimProblems

/// Counter invariants worked out from the methods, not from a run.
@Suite("Counters")
struct CounterTests {
  /// Problems that suit a method: the stiff test set for stiff methods, the non-stiff analytic
  /// problems for explicit ones (which would need millions of steps on ROBER).
  static func problems(for method: Method) -> [TestProblem] {
    method.isStiff || method.rawValue == "auto"
      ? TestProblem.stiffTestSet : [.exponentialDecay, .harmonicOscillator, .logistic, .rational]
  }

  @Test("accepted + rejected = attempted, for every method on the problems it suits",
        arguments: Method.allCases)
  func stepsAddUp(method: Method) {
    for problem in Self.problems(for: method) {
      let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                           options: SolverOptions(method: method, tolerances: problem.tolerances(rtol: 1e-6)))
      let s = solution.statistics
      #expect(s.acceptedSteps + s.rejectedSteps == s.steps, "\(method.rawValue) \(problem.name)")
      #expect(s.errorTestFailures <= s.rejectedSteps)
      #expect(s.rhsEvaluationsForJacobian <= s.rhsEvaluations)
    }
  }

  /// Rodas5P, 8 stages, autonomous problem with an analytic Jacobian: per attempt one LU, 8
  /// linear solves and 7 RHS calls (stages 2…8); per accepted step one Jacobian, and one RHS call
  /// for f(t, y) at the next step's start; plus f(t₀, y₀) and one call of the starting-step
  /// heuristic.
  @Test("Rodas5P's work per step is what its tableau implies")
  func rosenbrockArithmetic() {
    let problem = TestProblem.hires
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                         options: SolverOptions(method: .rodas5p, tolerances: problem.tolerances(rtol: 1e-6)))
    let s = solution.statistics
    #expect(s.luFactorizations == s.steps)
    #expect(s.linearSolves == 8 * s.steps)
    #expect(s.jacobianEvaluations == s.acceptedSteps)
    #expect(s.rhsEvaluations == 2 + 7 * s.steps + (s.acceptedSteps - 1))
    #expect(s.rhsEvaluationsForJacobian == 0)
  }

  @Test("without an analytic Jacobian, finite differences cost n RHS calls per Jacobian")
  func finiteDifferenceCost() {
    let problem = TestProblem.hires
    let solution = solve(problem.system.withoutJacobian, from: problem.t0, y0: problem.y0,
                         to: problem.tEnd,
                         options: SolverOptions(method: .rodas5p, tolerances: problem.tolerances(rtol: 1e-6)))
    let s = solution.statistics
    #expect(solution.returnCode == .success)
    #expect(s.rhsEvaluationsForJacobian == 8 * s.jacobianEvaluations)
  }
}

/// An ``Integrator`` reused for many solves reports each solve's own work.
@Suite("Counters of reused integrators")
struct ReusedIntegratorCounterTests {
  @Test("solving twice with one integrator reports the same counters both times", arguments: Method.allCases)
  func countersDoNotAccumulate(method: Method) {
    let problem = CounterTests.problems(for: method)[0]
    let integrator = Integrator(system: problem.system,
                                options: SolverOptions(method: method, tolerances: problem.tolerances(rtol: 1e-6)))
    let first = integrator.solve(from: problem.t0, y0: problem.y0, to: problem.tEnd)
    let second = integrator.solve(from: problem.t0, y0: problem.y0, to: problem.tEnd)
    #expect(first.statistics == second.statistics)
    #expect(first.finalState == second.finalState)
  }
}
