import Foundation
import Testing
import NadsimODE

/// A dose at a stop time: y′ = −y, y(0) = 1, and one unit added at t = 5 (through
/// ``SolverOptions/stopTimes`` and ``SolverOptions/onStop``). Closed form: y = e^(−t) before the
/// dose, y = (e^(−5) + 1)·e^(−(t−5)) after it. BDF must land on t = 5 exactly, restart at order 1
/// after the jump, and stay accurate: after the dose, the error is within 10 tolerance units at the
/// solution's scale, 10·(atol + rtol·max|y|), max|y| = 1 + e^(−5). (Normwise, because the relative
/// error of a multistep method on y′ = −y grows by a fraction of rtol per step as y decays.)
@Suite("BDF across a dose")
struct BDFDiscontinuityTests {
  static let decay = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in
    dy[0] = -y[0]
  }, jacobian: { _, _, J in
    J[0, 0] = -1
  })

  static func exact(_ t: Double) -> Double { t < 5 ? exp(-t) : (exp(-5) + 1) * exp(-(t - 5)) }

  static func options(_ saving: SolverOptions.Saving) -> SolverOptions {
    var options = SolverOptions(method: .bdf, tolerances: Tolerances(relative: 1e-8, absolute: 1e-10))
    options.stopTimes = [5]
    options.onStop = { _, y in y[0] += 1 }
    options.saving = saving
    return options
  }

  @Test("the solution after the jump matches (e^(−5) + 1)·e^(−(t−5))")
  func matchesAfterJump() {
    let times = (1...99).map { 0.1 * Double($0) } + [4.999, 5.001]
    let solution = solve(BDFDiscontinuityTests.decay, from: 0, y0: [1], to: 10,
                         options: BDFDiscontinuityTests.options(.at(times.sorted())))
    #expect(solution.returnCode == .success)
    #expect(solution.statistics.restarts == 1)
    let bound = 10 * (1e-10 + 1e-8 * (1 + exp(-5)))
    var checked = 0
    for (k, time) in solution.times.enumerated() where time > 5 {
      let value = solution.state(at: k).first!
      #expect(abs(value - BDFDiscontinuityTests.exact(time)) <= bound, "t = \(time)")
      checked += 1
    }
    #expect(checked == 50)
    #expect(abs(solution.finalState[0] - BDFDiscontinuityTests.exact(10)) <= bound)
  }

  @Test("the step sequence lands on t = 5 and records both sides of the jump")
  func landsOnStopTime() {
    let solution = solve(BDFDiscontinuityTests.decay, from: 0, y0: [1], to: 10,
                         options: BDFDiscontinuityTests.options(.everyStep))
    #expect(solution.returnCode == .success)
    let atFive = solution.times.indices.filter { solution.times[$0] == 5 }
    #expect(atFive.count == 2)
    if atFive.count == 2 {
      let before = solution.state(at: atFive[0]).first!, after = solution.state(at: atFive[1]).first!
      #expect(abs(after - before - 1) <= 1e-14)
    }
    #expect(solution.times.last == 10)
  }
}
