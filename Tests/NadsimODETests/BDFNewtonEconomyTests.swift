import Testing
import NadsimODE
import NadsimProblems

/// BDF's modified Newton iteration keeps J and the LU of I − γJ while they serve (CVODE's policy:
/// refactor when γ moves by more than 30 %, every 20 steps, or after a convergence failure; new J
/// only every 50 steps or when an old J fails). On HIRES (Test Set for IVP Solvers, Bari, release
/// 2.4) at rtol 1e-6, atol 1e-10, that must show as LU factorisations far fewer than steps and
/// Jacobians fewer still. The claims, worked out from the policy: at most one LU per 4 accepted
/// steps and one Jacobian per 20 (the policy alone would allow one in 50 and one in 20 between
/// failures), one linear solve per Newton iteration, and at most one RHS call per iteration beyond
/// the start (f(t₀, y₀) and ≤ 4 calls of the initial-step iteration) and the order-1 restarts after
/// repeated error-test failures (≤ one per failure).
@Suite("BDF Newton economy")
struct BDFNewtonEconomyTests {
  static func hires() -> SolverStatistics {
    let problem = TestProblem.hires
    var options = SolverOptions(method: .bdf, tolerances: problem.tolerances(rtol: 1e-6))
    options.saving = .finalOnly
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                         options: options)
    #expect(solution.returnCode == .success)
    return solution.statistics
  }

  @Test("HIRES rtol 1e-6: LU factorisations ≤ steps/4, Jacobian evaluations ≤ steps/20")
  func reusesJacobianAndLU() {
    let stats = BDFNewtonEconomyTests.hires()
    #expect(stats.acceptedSteps > 100)
    #expect(stats.luFactorizations * 4 <= stats.acceptedSteps,
            "\(stats.luFactorizations) LUs for \(stats.acceptedSteps) steps")
    #expect(stats.jacobianEvaluations * 20 <= stats.acceptedSteps,
            "\(stats.jacobianEvaluations) Jacobians for \(stats.acceptedSteps) steps")
    #expect(stats.jacobianEvaluations <= stats.luFactorizations)
  }

  @Test("HIRES rtol 1e-6: one linear solve per Newton iteration, one RHS call per iteration")
  func countersAddUp() {
    let stats = BDFNewtonEconomyTests.hires()
    #expect(stats.linearSolves == stats.newtonIterations)
    #expect(stats.rhsEvaluationsForJacobian == 0)  // HIRES has an exact Jacobian
    #expect(stats.rhsEvaluations <= stats.newtonIterations + 5 + stats.errorTestFailures)
    #expect(stats.acceptedSteps + stats.rejectedSteps == stats.steps)
    #expect(stats.newtonIterations <= 2 * stats.steps)
    #expect((1...5).contains(stats.lastOrder))
  }
}
