import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// Dense output between steps: values requested at 1,000 times of the harmonic oscillator (exact
/// solution (cos t, −sin t)) match the closed form to within a small multiple of the tolerance,
/// and requesting them does not change the steps taken.
@Suite("Dense output")
struct DenseOutputTests {
  @Test("values between steps match the exact solution", arguments: Method.allCases)
  func matchesExact(method: Method) {
    let problem = TestProblem.harmonicOscillator
    let rtol = 1e-8, atol = 1e-10
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: rtol, absolute: atol))
    let times = (1...1000).map { Double($0) * problem.tEnd / 1000 }
    options.saving = .at(times)
    let dense = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
    options.saving = .finalOnly
    let plain = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
    #expect(dense.statistics.steps == plain.statistics.steps, "output times must not shorten steps")
    var worst = 0.0
    for (index, t) in dense.times.enumerated() {
      let exact = problem.exact!(t)
      for (value, reference) in zip(dense.state(at: index), exact) {
        worst = max(worst, abs(value - reference))
      }
    }
    // The global error of the solution itself is a few times the tolerance over 1.6 periods;
    // the interpolant may add the same again.
    #expect(worst <= 100 * (atol + rtol), "\(method.rawValue): worst dense-output error \(worst)")
  }
}
