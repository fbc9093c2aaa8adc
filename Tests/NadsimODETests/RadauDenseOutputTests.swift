import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// Radau IIA(5)'s dense output is the collocation polynomial of degree 3, whose error between the
/// steps is O(h⁴) (Hairer & Wanner, Solving ODEs II, §IV.8: "continuous extension of order 3"),
/// while the steps themselves carry O(h⁵). With fixed steps on y′ = −2t·y² (closed form
/// 1/(1 + t²)), the error at the midpoints of the steps must fall with slope ≈ 4 in log h, and the
/// error at the step ends with slope ≈ 5.
@Suite("Radau dense output")
struct RadauDenseOutputTests {
  @Test("fixed steps: midpoint error slope ≈ 4, step-end error slope ≈ 5")
  func interpolationOrder() {
    let problem = TestProblem.rational
    var logH: [Double] = [], logMid: [Double] = [], logEnd: [Double] = []
    for steps in [20, 28, 40, 57, 80] {
      let h = (problem.tEnd - problem.t0) / Double(steps)
      var options = SolverOptions(method: .radau5, tolerances: problem.tolerances(rtol: 1e-8))
      options.fixedStepSize = h
      let midpoints = (0..<steps).map { problem.t0 + (Double($0) + 0.5) * h }
      options.saving = .at(midpoints)
      let mid = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
      options.saving = .finalOnly
      let end = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
      #expect(mid.returnCode == .success && end.returnCode == .success)
      var worst = 0.0
      for (k, time) in mid.times.enumerated() {
        worst = max(worst, abs(mid.state(at: k).first! - problem.exact!(time)[0]))
      }
      logH.append(log(h))
      logMid.append(log(worst))
      logEnd.append(log(abs(end.finalState[0] - problem.exact!(problem.tEnd)[0])))
    }
    let midSlope = leastSquaresSlope(logH, logMid), endSlope = leastSquaresSlope(logH, logEnd)
    #expect(abs(midSlope - 4) <= 0.4, "midpoint slope \(midSlope)")
    #expect(abs(endSlope - 5) <= 0.4, "step-end slope \(endSlope)")
  }
}
