import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// Output between steps comes from each method's dense output: at many points of an adaptive
/// solve it must match the closed-form solution to within a small multiple of the tolerance.
@Suite("Dense output against closed forms")
struct DenseOutputClosedFormTests {
  static let cases: [(Method, String, Double)] = [
    (.tsit5, "oscillator", 1e-6), (.tsit5, "logistic", 1e-6), (.tsit5, "decay", 1e-9),
    (.dop853, "oscillator", 1e-6), (.dop853, "logistic", 1e-10), (.dop853, "decay", 1e-9),
    (.auto, "oscillator", 1e-6),
  ]

  @Test("interpolated values match the closed form", arguments: cases)
  func matchesClosedForm(method: Method, problemName: String, rtol: Double) throws {
    let problem = try #require(TestProblem.named(problemName))
    let exact = try #require(problem.exact)
    let atol = rtol * 1e-2
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: rtol, absolute: atol))
    // 997 points (prime, so they do not line up with steps).
    let times = (1...997).map { problem.t0 + (problem.tEnd - problem.t0) * Double($0) / 998 }
    options.saving = .at(times)
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                         options: options)
    #expect(solution.returnCode == .success)
    #expect(solution.times == times)
    #expect(solution.statistics.acceptedSteps < times.count / 4, "output must be between steps")
    // Error relative to atol + rtol·‖y(t)‖∞: the global error follows the size of the state,
    // not of each component near its zero crossings.
    var worst = 0.0
    for (index, time) in solution.times.enumerated() {
      let reference = exact(time)
      let scale = atol + rtol * reference.map(abs).max()!
      for (value, truth) in zip(solution.state(at: index), reference) {
        worst = max(worst, abs(value - truth) / scale)
      }
    }
    #expect(worst < 10, "\(method) \(problemName): worst error = \(worst) × tolerance")
  }

  /// Prothero–Robinson with a stiffness that fades: y′ = λ(t)(y − sin t) + cos t, y(0) = 0, whose
  /// solution is y = sin t for any λ (Prothero & Robinson, Math. Comp. 28 (1974) 145). With
  /// λ = −10⁴ before t ≈ 5 and −1 after, `auto` goes stiff and back, and the dense output must
  /// follow sin t on both sides of both switches.
  @Test("auto's dense output stays on sin t across switches")
  func autoAcrossSwitches() {
    let system = ODESystem(dimension: 1, rhs: { t, y, dy in
      let lambda = -1 - 0.5e4 * (1 - tanh(10 * (t - 5)))
      dy[0] = lambda * (y[0] - sin(t)) + cos(t)
    })
    let rtol = 1e-6, atol = 1e-8
    var options = SolverOptions(method: .auto, tolerances: Tolerances(relative: rtol, absolute: atol))
    let times = (1...1999).map { 10 * Double($0) / 2000 }
    options.saving = .at(times)
    // Steps of at most 0.1, so that the check is about handing the dense output over at the
    // switches (a wrong hand-over is off by O(1)), not about the order-4 interpolants inside the
    // 0.3-long steps Rodas5P takes here, which alone reach 7× the tolerance at this rtol.
    options.maxStepSize = 0.1
    let solution = solve(system, from: 0, y0: [0], to: 10, options: options)
    #expect(solution.returnCode == .success)
    #expect(solution.statistics.methodSwitches >= 2, "switches: \(solution.statistics.methodSwitches)")
    var worst = 0.0
    for (index, time) in solution.times.enumerated() {
      let truth = sin(time)
      worst = max(worst, abs(solution.state(at: index).first! - truth) / (atol + rtol))
    }
    #expect(worst < 10, "worst error = \(worst) × tolerance")
  }
}
