import Foundation
import Testing
import NadsimODE

/// A dose: y′ = −k·y with y(0) = 1 and a bolus of +1 at t = 5 (a stop time whose callback jumps
/// the state). Analytic solution: y = e^(−kt) before 5, y = (e^(−5k) + 1)·e^(−k(t−5)) after.
@Suite("Stop times and jumps")
struct StopTimeTests {
  static let k = 0.3
  static let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in
    dy[0] = -StopTimeTests.k * y[0]
  }, jacobian: { _, _, J in J[0, 0] = -StopTimeTests.k })

  static func exact(_ t: Double) -> Double {
    t < 5 ? exp(-k * t) : (exp(-5 * k) + 1) * exp(-k * (t - 5))
  }

  @Test("a bolus at t = 5 is applied exactly and the solution matches the analytic one",
        arguments: Method.allCases)
  func bolusMatchesAnalytic(method: Method) {
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: 1e-8, absolute: 1e-12))
    options.stopTimes = [5]
    options.onStop = { _, y in y[0] += 1 }
    let times = stride(from: 0.25, through: 12, by: 0.25).map { $0 }
    options.saving = .at(times)
    let solution = solve(Self.system, from: 0, y0: [1], to: 12, options: options)
    #expect(solution.returnCode == .success)
    #expect(solution.times == times)
    for (index, t) in solution.times.enumerated() {
      let value = solution.state(at: index).first!
      // Values at the stop time itself are the left limit (before the dose).
      let expected = t == 5 ? exp(-Self.k * 5) : Self.exact(t)
      #expect(abs(value - expected) <= 1e-6 * expected, "\(method.rawValue) at t = \(t)")
    }
    #expect(solution.statistics.restarts == 1)
  }

  @Test("every-step output records both sides of the jump at exactly t = 5", arguments: Method.allCases)
  func recordsBothSides(method: Method) {
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: 1e-6, absolute: 1e-10))
    options.stopTimes = [5]
    options.onStop = { _, y in y[0] += 1 }
    let solution = solve(Self.system, from: 0, y0: [1], to: 8, options: options)
    let atFive = solution.times.indices.filter { solution.times[$0] == 5 }
    #expect(atFive.count == 2)
    if atFive.count == 2 {
      let before = solution.state(at: atFive[0]).first!, after = solution.state(at: atFive[1]).first!
      #expect(abs((after - before) - 1) < 1e-14)
    }
    #expect(solution.times.last == 8)
  }
}
