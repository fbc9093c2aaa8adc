import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// Fixed-step convergence: the global error at the final time of y′ = −2t·y² (exact solution
/// 1/(1 + t²); nonlinear and non-autonomous, so it shows the classical order, where a linear problem
/// may show the higher order of a method's stability function) falls like hᵖ. The slope of log(error) against log(h), fitted
/// over step sizes in the asymptotic range and above roundoff, must be within ±0.3 of the
/// method's order. This covers the implicit one-step methods; the explicit pairs (and `auto`,
/// which steps with Tsit5 when the step is fixed) are measured on the oscillator in
/// ExplicitRKOscillatorOrderTests, and BDF per order in its own test.
@Suite("Convergence order")
struct ConvergenceOrderTests {
  static let methods = Method.allCases.filter { $0.isStiff && $0.rawValue != "bdf" }

  /// Step counts per method: high orders reach roundoff quickly, so they get coarser grids.
  static func stepCounts(order: Int) -> [Int] {
    switch order {
    case ...4: return [40, 57, 80, 113, 160]
    case 5...6: return [20, 28, 40, 57, 80]
    default: return [8, 10, 12, 14, 16]
    }
  }

  @Test("fixed-step error slope matches the nominal order", arguments: methods)
  func slopeMatchesOrder(method: Method) {
    let problem = TestProblem.rational
    let exact = problem.exact!(problem.tEnd)
    var logH: [Double] = []
    var logError: [Double] = []
    for steps in Self.stepCounts(order: method.order) {
      let h = (problem.tEnd - problem.t0) / Double(steps)
      var options = SolverOptions(method: method, tolerances: problem.tolerances(rtol: 1e-6))
      options.fixedStepSize = h
      options.saving = .finalOnly
      let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                           options: options)
      #expect(solution.returnCode == .success)
      let error = zip(solution.finalState, exact).map { abs($0 - $1) }.max()!
      logH.append(log(h))
      logError.append(log(error))
    }
    let slope = leastSquaresSlope(logH, logError)
    #expect(abs(slope - Double(method.order)) <= 0.3,
            "\(method.rawValue): slope \(slope), nominal order \(method.order)")
  }
}

extension ConvergenceOrderTests {
  /// Rodas5P given the exact ∂f/∂t of y′ = −2t·y² (−2y²) instead of its forward difference: the
  /// classical order still holds, and on the same fixed steps the only difference in work is the
  /// difference quotient's right-hand side, one per Jacobian evaluation.
  @Test("Rodas5P with an exact ∂f/∂t: nominal order, one RHS call fewer per Jacobian")
  func exactTimeDerivative() {
    let problem = TestProblem.rational
    var exact = problem.system
    exact.timeDerivative = { _, y, out in out[0] = -2 * y[0] * y[0] }
    let truth = problem.exact!(problem.tEnd)
    var logH: [Double] = []
    var logError: [Double] = []
    for steps in Self.stepCounts(order: 5) {
      let h = (problem.tEnd - problem.t0) / Double(steps)
      var options = SolverOptions(method: .rodas5p, tolerances: problem.tolerances(rtol: 1e-6))
      options.fixedStepSize = h
      options.saving = .finalOnly
      let withExact = solve(exact, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
      let withDifference = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
      #expect(withExact.returnCode == .success && withDifference.returnCode == .success)
      let a = withExact.statistics, b = withDifference.statistics
      #expect(a.steps == b.steps && a.jacobianEvaluations == b.jacobianEvaluations && a.jacobianEvaluations > 0)
      #expect(b.rhsEvaluations - a.rhsEvaluations == a.jacobianEvaluations,
              "\(steps) steps: RHS \(a.rhsEvaluations) exact against \(b.rhsEvaluations) differenced")
      logH.append(log(h))
      logError.append(log(abs(withExact.finalState[0] - truth[0])))
    }
    let slope = leastSquaresSlope(logH, logError)
    #expect(abs(slope - 5) <= 0.3, "slope \(slope) with the exact ∂f/∂t")
  }
}

/// Slope of the least-squares line through (x, y).
func leastSquaresSlope(_ x: [Double], _ y: [Double]) -> Double {
  let n = Double(x.count)
  let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
  var sxy = 0.0, sxx = 0.0
  for (a, b) in zip(x, y) {
    sxy += (a - mx) * (b - my)
    sxx += (a - mx) * (a - mx)
  }
  return sxy / sxx
}
