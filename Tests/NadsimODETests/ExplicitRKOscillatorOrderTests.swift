import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// Fixed-step convergence order of the explicit pairs on the harmonic oscillator, whose exact
/// solution is (cos t, −sin t): the slope of log(error) against log(h), fitted by least squares
/// over step sizes in the asymptotic regime and well above roundoff, must be the method's order
/// within ±0.3 (the diffrax `test_ode_order` check).
@Suite("Convergence order of the explicit pairs on the oscillator")
struct ExplicitRKOscillatorOrderTests {
  /// (method, number of steps over [0, 10] for each point of the sweep). The ranges keep the
  /// final error between about 1e-6 and 1e-11 (h from 0.25 to 0.03 for Tsit5, 0.7 to 0.25 for
  /// DOP853): in the asymptotic regime, and far above roundoff.
  static let sweeps: [(Method, [Int])] = [
    (.tsit5, [40, 56, 80, 113, 160, 226, 320]),
    (.dop853, [14, 17, 20, 24, 28, 34, 40]),
    (.auto, [40, 56, 80, 113, 160, 226, 320]),  // fixed steps: auto never leaves Tsit5
  ]

  @Test("log error vs log h has the nominal slope", arguments: sweeps.map(\.0))
  func slope(method: Method) throws {
    let steps = Self.sweeps.first { $0.0 == method }!.1
    let problem = TestProblem.harmonicOscillator
    let exactSolution = try #require(problem.exact)
    let exact = exactSolution(problem.tEnd)
    var logH: [Double] = [], logError: [Double] = []
    for count in steps {
      let h = (problem.tEnd - problem.t0) / Double(count)
      var options = SolverOptions(method: method)
      options.fixedStepSize = h
      options.saving = .finalOnly
      let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                           options: options)
      #expect(solution.returnCode == .success)
      #expect(solution.statistics.steps == count, "fixed steps land on tEnd: \(solution.statistics.steps)")
      let error = zip(solution.finalState, exact).map { abs($0 - $1) }.max()!
      logH.append(log(h))
      logError.append(log(error))
    }
    let slope = leastSquaresSlope(logH, logError)
    #expect(abs(slope - Double(method.order)) <= 0.3,
            "\(method): slope \(slope), errors \(logError.map { exp($0) })")
  }
}

