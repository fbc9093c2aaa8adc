import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// BDF's dense output evaluates the Nordsieck polynomial of the last step, which carries an error of
/// the size of the local error test; between steps it must therefore be as good as the steps
/// themselves. References: the closed-form solutions in NadsimProblems (y = e^(−λt); harmonic
/// oscillator (cos t, −sin t)).
@Suite("BDF dense output")
struct BDFDenseOutputTests {
  /// 999 output times strictly inside the interval, almost none of them on a step.
  static func outputTimes(_ problem: TestProblem) -> [Double] {
    (1..<1000).map { problem.t0 + (problem.tEnd - problem.t0) * Double($0) / 1000 }
  }

  static func options(rtol: Double, atol: Double, saving: SolverOptions.Saving) -> SolverOptions {
    var options = SolverOptions(method: .bdf, tolerances: Tolerances(relative: rtol, absolute: atol))
    options.saving = saving
    return options
  }

  @Test("interpolated decay stays within 10·(atol + rtol·max|y|) of e^(−λt)")
  func decayWithinTolerance() {
    let problem = TestProblem.exponentialDecay
    let rtol = 1e-6, atol = 1e-8
    let times = BDFDenseOutputTests.outputTimes(problem)
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                         options: BDFDenseOutputTests.options(rtol: rtol, atol: atol, saving: .at(times)))
    #expect(solution.returnCode == .success)
    #expect(solution.times == times)
    // Normwise: the global error of a multistep method accumulates over its ~70 steps, so it is
    // measured against the tolerance at the solution's scale (max |y| = 1), not pointwise.
    var worst = 0.0
    for (k, time) in solution.times.enumerated() {
      for (value, reference) in zip(solution.state(at: k), problem.exact!(time)) {
        worst = max(worst, abs(value - reference))
      }
    }
    #expect(worst <= 10 * (atol + rtol * 1), "worst error \(worst)")
  }

  @Test("between two steps, the oscillator's interpolation error is no larger than at the steps")
  func interpolationAddsNoError() {
    // The global error of the oscillator grows over its 1.6 periods, so the claim compares each
    // interpolated value with the errors at the two steps around it (plus one tolerance unit).
    let problem = TestProblem.harmonicOscillator
    let rtol = 1e-8, atol = 1e-10
    let steps = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                      options: BDFDenseOutputTests.options(rtol: rtol, atol: atol, saving: .everyStep))
    let times = BDFDenseOutputTests.outputTimes(problem)
    let dense = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                      options: BDFDenseOutputTests.options(rtol: rtol, atol: atol, saving: .at(times)))
    #expect(steps.returnCode == .success && dense.returnCode == .success)
    func error(_ solution: Solution, _ k: Int) -> Double {
      zip(solution.state(at: k), problem.exact!(solution.times[k])).map { abs($0 - $1) }.max()!
    }
    var stepIndex = 0
    var checked = 0
    for (k, time) in dense.times.enumerated() {
      while steps.times[stepIndex + 1] < time { stepIndex += 1 }
      let envelope = max(error(steps, stepIndex), error(steps, stepIndex + 1))
      #expect(error(dense, k) <= 2 * envelope + (atol + rtol), "t = \(time)")
      checked += 1
    }
    #expect(checked == 999)
  }
}
