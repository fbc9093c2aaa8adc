import Foundation
import Testing
import NadsimODE

/// The explicit steppers end with a clear return code instead of looping or returning garbage,
/// and land exactly on stop times.
@Suite("Explicit RK failures and stop times")
struct ExplicitRKFailureTests {
  static let methods: [Method] = [.tsit5, .dop853, .auto]

  @Test("a RHS that breaks ends with rhsNotFinite where it broke", arguments: methods)
  func nonFinite(method: Method) {
    // y′ = −y for the first 60 calls, NaN for ever after (a model that breaks down): cutting
    // the step cannot help, so the run must stop at the last good state.
    final class Calls: @unchecked Sendable { var count = 0 }
    let calls = Calls()
    let system = ODESystem(dimension: 1, rhs: { _, y, dy in
      calls.count += 1
      dy[0] = calls.count <= 60 ? -y[0] : .nan
    })
    let solution = solve(system, from: 0, y0: [1], to: 30, options: SolverOptions(method: method))
    guard case .rhsNotFinite(let t) = solution.returnCode else {
      Issue.record("\(method): \(solution.returnCode)")
      return
    }
    #expect(t > 0 && t < 30 && t == solution.finalTime, "\(method): stopped at \(t)")
    #expect(solution.finalState[0].isFinite)
  }

  @Test("a RHS that is NaN at the start fails at once", arguments: methods)
  func nonFiniteAtStart(method: Method) {
    let system = ODESystem(dimension: 2, rhs: { _, _, dy in dy[0] = 0; dy[1] = .infinity })
    let solution = solve(system, from: 0, y0: [1, 1], to: 1, options: SolverOptions(method: method))
    #expect(solution.returnCode == .rhsNotFinite(t: 0))
  }

  @Test("blow-up ends with stepSizeUnderflow near the singularity", arguments: methods)
  func underflow(method: Method) {
    // y′ = y², y(0) = 1: y = 1/(1 − t) blows up at t = 1.
    let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in dy[0] = y[0] * y[0] })
    let solution = solve(system, from: 0, y0: [1], to: 2, options: SolverOptions(method: method))
    guard case .stepSizeUnderflow(let t) = solution.returnCode else {
      Issue.record("\(method): \(solution.returnCode)")
      return
    }
    #expect(abs(t - 1) < 1e-3, "\(method): stopped at \(t)")
  }

  @Test("steps land exactly on stop times and on the end", arguments: methods)
  func landsOnStops(method: Method) {
    let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in dy[0] = -y[0] })
    var options = SolverOptions(method: method)
    options.stopTimes = [0.3, 2.7182818]
    options.onStop = { _, y in y[0] += 1 }  // a bolus at each stop
    let solution = solve(system, from: 0, y0: [1], to: 4, options: options)
    #expect(solution.returnCode == .success)
    #expect(solution.times.filter { $0 == 0.3 }.count == 2)
    #expect(solution.times.filter { $0 == 2.7182818 }.count == 2)
    #expect(solution.times.last == 4)
    // y(4) = e⁻⁴ + e^(−3.7) + e^(−(4 − 2.7182818)) for the doses of 1 at each stop.
    let exact = exp(-4) + exp(-3.7) + exp(-(4 - 2.7182818))
    #expect(abs(solution.finalState[0] - exact) < 1e-5)
  }

  @Test("fixed steps land on the end", arguments: [Method.tsit5, .dop853])
  func fixedLandsOnEnd(method: Method) {
    let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in dy[0] = -y[0] })
    var options = SolverOptions(method: method)
    options.fixedStepSize = 0.3
    let solution = solve(system, from: 0, y0: [1], to: 1, options: options)
    #expect(solution.times == [0, 0.3, 0.6, 0.8999999999999999, 1] || solution.times.count == 5)
    #expect(solution.times.last == 1)
    #expect(solution.statistics.steps == 4)
  }
}
