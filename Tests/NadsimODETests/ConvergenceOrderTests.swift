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
