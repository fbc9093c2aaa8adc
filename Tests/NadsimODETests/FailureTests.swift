import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// Failures end a solve with a return code that names the time; they never hang or crash.
@Suite("Failures")
struct FailureTests {
  @Test("an RHS that returns NaN from t = 1 on is reported with the time", arguments: Method.allCases)
  func nanIsReported(method: Method) {
    let system = ODESystem(dimension: 1, rhs: { t, y, dy in dy[0] = t < 1 ? -y[0] : .nan })
    var options = SolverOptions(method: method)
    options.maxStepSize = 0.1
    let solution = solve(system, from: 0, y0: [1], to: 2, options: options)
    guard case .rhsNotFinite(let t) = solution.returnCode else {
      Issue.record("\(method.rawValue): expected rhsNotFinite, got \(solution.returnCode)")
      return
    }
    #expect(t >= 0.8 && t <= 1, "\(method.rawValue): reported at t = \(t)")
    #expect(solution.returnCode.description.contains("t = "))
  }

  @Test("a NaN at the very start is reported at t0", arguments: Method.allCases)
  func nanAtStart(method: Method) {
    let system = ODESystem(dimension: 1, rhs: { _, _, dy in dy[0] = .nan })
    let solution = solve(system, from: 3, y0: [1], to: 4, options: SolverOptions(method: method))
    #expect(solution.returnCode == .rhsNotFinite(t: 3))
  }

  @Test("y′ = y² blows up at t = 1: the solver stops there with an error", arguments: Method.allCases)
  func blowUpStops(method: Method) {
    // y(t) = 1/(1 − t): no solution exists past t = 1.
    let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in dy[0] = y[0] * y[0] },
                           jacobian: { _, y, J in J[0, 0] = 2 * y[0] })
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: 1e-6, absolute: 1e-9))
    options.maxSteps = 100_000
    let solution = solve(system, from: 0, y0: [1], to: 2, options: options)
    #expect(!solution.returnCode.isSuccess)
    #expect(solution.finalTime <= 1.0 + 1e-3 && solution.finalTime > 0.99,
            "\(method.rawValue): stopped at \(solution.finalTime) with \(solution.returnCode)")
  }

  @Test("the step limit is enforced and reported", arguments: Method.allCases)
  func maxStepsReported(method: Method) {
    let problem = TestProblem.hires
    var options = SolverOptions(method: method, tolerances: problem.tolerances(rtol: 1e-8))
    options.maxSteps = 25
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
    guard case .maxStepsReached(_, let maxSteps) = solution.returnCode else {
      Issue.record("expected maxStepsReached, got \(solution.returnCode)")
      return
    }
    #expect(maxSteps == 25)
    #expect(solution.statistics.steps == 25)
  }

  @Test("bad inputs are refused before any step")
  func invalidInputs() {
    let system = TestProblem.hires.system
    let y0 = TestProblem.hires.y0
    #expect(!solve(system, from: 0, y0: [1, 2], to: 1).returnCode.isSuccess)
    #expect(!solve(system, from: 1, y0: y0, to: 0).returnCode.isSuccess)
    var bad = y0
    bad[2] = .nan
    #expect(!solve(system, from: 0, y0: bad, to: 1).returnCode.isSuccess)
    let tolerances = Tolerances(relative: -1, absolute: 1e-8)
    #expect(!solve(system, from: 0, y0: y0, to: 1, options: SolverOptions(tolerances: tolerances))
      .returnCode.isSuccess)
  }
}
