import Foundation
import Testing
import NadsimODE
import NadsimProblems

/// Events located on the dense output: y₁ = cos t of the harmonic oscillator crosses zero at
/// t = π/2 (falling) and 3π/2 (rising).
@Suite("Events")
struct EventTests {
  @Test("zero crossings of cos t are found at π/2 and 3π/2", arguments: Method.allCases)
  func locatesCrossings(method: Method) {
    let problem = TestProblem.harmonicOscillator
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: 1e-10, absolute: 1e-12))
    options.events = [Event(direction: .either) { _, y in y[0] }]
    let solution = solve(problem.system, from: 0, y0: problem.y0, to: 5, options: options)
    #expect(solution.returnCode == .success)
    let times = solution.events.map(\.t)
    #expect(times.count == 2)
    if times.count == 2 {
      #expect(abs(times[0] - .pi / 2) < 1e-8)
      #expect(abs(times[1] - 3 * .pi / 2) < 1e-8)
    }
  }

  @Test("a terminal rising event ends the solve at its time")
  func terminalEventStops() {
    let problem = TestProblem.harmonicOscillator
    var options = SolverOptions(method: .rodas5p, tolerances: Tolerances(relative: 1e-10, absolute: 1e-12))
    options.events = [Event(direction: .rising, terminal: true) { _, y in y[0] }]
    let solution = solve(problem.system, from: 0, y0: problem.y0, to: 10, options: options)
    #expect(solution.returnCode == .eventTerminated(t: solution.finalTime))
    #expect(abs(solution.finalTime - 3 * .pi / 2) < 1e-8)
    #expect(abs(solution.finalState[0]) < 1e-8)
    #expect(solution.times.last == solution.finalTime)
  }
}
