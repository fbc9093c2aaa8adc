import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// With a fixed step h and order q, BDF's global error is O(h^q) (Hairer & Wanner, Solving ODEs II,
/// §III.2 and §V.6): on a smooth problem, halving h divides the error by 2^q. Reference values are
/// the closed-form solutions in NadsimProblems (y = e^(−λt), λ = 1, 2, 3; logistic
/// y = K/(1 + (K/y₀ − 1)e^(−rt))). The slope of log(error) against log(h), fitted over four step
/// sizes, must lie within ±0.3 of q — which also checks that the start (Rodas5P starting values,
/// order q from the first step) does not spoil the order.
@Suite("BDF fixed-step convergence order")
struct BDFConvergenceOrderTests {
  static let stepCounts = [40, 80, 160, 320]

  /// Max-norm error at the final time with `steps` fixed steps of order `order`.
  static func finalError(_ problem: TestProblem, order: Int, steps: Int) -> Double {
    // Tight tolerances: in fixed-step mode they only steer the Newton iteration, whose error must
    // stay far below the discretisation error being measured.
    var options = SolverOptions(method: .bdf, tolerances: Tolerances(relative: 1e-13, absolute: 1e-14))
    options.fixedStepSize = (problem.tEnd - problem.t0) / Double(steps)
    options.maxOrder = order
    options.saving = .finalOnly
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                         options: options)
    guard solution.returnCode == .success, let exact = problem.exact?(problem.tEnd) else {
      return .nan
    }
    return zip(solution.finalState, exact).map { abs($0 - $1) }.max() ?? .nan
  }

  /// Least-squares slope of log(error) against log(h).
  static func fittedOrder(_ problem: TestProblem, order: Int) -> Double {
    let xs = stepCounts.map { log((problem.tEnd - problem.t0) / Double($0)) }
    let ys = stepCounts.map { log(finalError(problem, order: order, steps: $0)) }
    let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
    var sxy = 0.0, sxx = 0.0
    for (x, y) in zip(xs, ys) {
      sxy += (x - mx) * (y - my)
      sxx += (x - mx) * (x - mx)
    }
    return sxy / sxx
  }

  static let cases: [(String, Int)] = ["decay", "logistic"].flatMap { name in (1...5).map { (name, $0) } }

  @Test("fixed-step BDF of order q converges with order q (slope within ±0.3)", arguments: cases)
  func convergesWithOrder(problemName: String, order: Int) {
    let problem = TestProblem.named(problemName)!
    let slope = BDFConvergenceOrderTests.fittedOrder(problem, order: order)
    #expect(abs(slope - Double(order)) <= 0.3, "\(problemName) q = \(order): fitted slope \(slope)")
  }
}
