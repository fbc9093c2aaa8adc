import Testing
import NadsimODE
import NadsimProblems

/// Radau IIA(5)'s counters against the work its algorithm implies (``RadauStepper``), on HIRES
/// (autonomous, analytic Jacobian, so no finite-difference calls):
/// - each Newton iteration costs 3 RHS calls (one per stage) and 2 linear solves (the real system
///   and the complex one, solved as one real system of order 2n);
/// - each attempt whose iteration converged costs one solve for the error estimate, plus one RHS
///   call and one solve when the estimate is filtered a second time (only on the first step or
///   after a rejection, so at most rejected + 1 times);
/// - f(t, y) is evaluated at the start (plus one call for the starting-step estimate) and at the
///   start of every step after an accepted one;
/// - LUs come in pairs (real and complex), at most one pair per attempt.
@Suite("Radau counters")
struct RadauCounterTests {
  @Test("RHS calls, solves and LUs add up on HIRES")
  func workAddsUp() {
    let problem = TestProblem.hires
    for rtol in [1e-4, 1e-6, 1e-9] {
      let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                           options: SolverOptions(method: .radau5, tolerances: problem.tolerances(rtol: rtol)))
      let s = solution.statistics
      #expect(solution.returnCode == .success)
      #expect(s.acceptedSteps + s.rejectedSteps == s.steps)
      #expect(s.errorTestFailures + s.newtonConvergenceFailures == s.rejectedSteps)
      #expect(s.luFactorizations % 2 == 0 && s.luFactorizations / 2 <= s.steps)
      #expect(s.jacobianEvaluations <= s.luFactorizations / 2)
      let estimates = s.acceptedSteps + s.errorTestFailures
      let secondFilterings = s.linearSolves - 2 * s.newtonIterations - estimates
      #expect(secondFilterings >= 0 && secondFilterings <= s.rejectedSteps + 1, "rtol \(rtol)")
      #expect(s.rhsEvaluations == 3 * s.newtonIterations + 2 + (s.acceptedSteps - 1) + secondFilterings,
              "rtol \(rtol)")
      #expect(s.rhsEvaluationsForJacobian == 0)
      #expect(s.lastOrder == 5)
    }
  }
}
