import Foundation
import Testing
import NadsimODE

/// Steady states against closed forms worked out by hand.
@Suite("Steady state")
struct SteadyStateTests {
  /// Production v and Michaelis–Menten removal: y′ = v − Vmax·y/(Km + y), so y* = v·Km/(Vmax − v).
  @Test("Michaelis–Menten balance: y* = v·Km/(Vmax − v)")
  func michaelisMenten() throws {
    let v = 2.0, vmax = 5.0, km = 3.0
    let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in
      dy[0] = v - vmax * y[0] / (km + y[0])
    }, jacobian: { _, y, J in J[0, 0] = -vmax * km / ((km + y[0]) * (km + y[0])) })
    let result = try SteadyStateSolver().solve(system, initial: [0.1])
    #expect(abs(result.state[0] - v * km / (vmax - v)) < 1e-12)
    #expect(!result.usedFallback)
  }

  /// Two pools with exchange and a fixed input held outside the free set:
  /// a′ = u·k_in − k_ab·a + k_ba·b, b′ = k_ab·a − (k_ba + k_out)·b, u fixed.
  /// Setting both to zero: b* = k_in·u/k_out, a* = (k_ba + k_out)·b*/k_ab.
  @Test("only the free components move; fixed ones keep their values")
  func freeSubset() throws {
    let kin = 0.7, kab = 1.3, kba = 0.4, kout = 0.9
    let system = ODESystem(dimension: 3, isAutonomous: true, rhs: { _, y, dy in
      dy[0] = y[2] * kin - kab * y[0] + kba * y[1]
      dy[1] = kab * y[0] - (kba + kout) * y[1]
      dy[2] = 1  // an accumulating store: no steady state of its own
    })
    let result = try SteadyStateSolver().solve(system, initial: [0, 0, 2.5], free: [0, 1])
    let b = kin * 2.5 / kout
    #expect(abs(result.state[1] - b) < 1e-10 * b)
    #expect(abs(result.state[0] - (kba + kout) * b / kab) < 1e-10 * b)
    #expect(result.state[2] == 2.5)
  }

  @Test("a system without a steady state is reported, not returned")
  func noSteadyState() {
    let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, _, dy in dy[0] = 1 })
    var solver = SteadyStateSolver()
    solver.fallbackDuration = 10
    #expect(throws: SteadyStateSolver.Failure.self) { try solver.solve(system, initial: [0]) }
  }

  /// A strongly nonlinear start far from the root (y′ = 1 − y³ from y = 40) needs damping or the
  /// fallback but must still land on y* = 1.
  @Test("far starts converge to y* = 1 for y′ = 1 − y³")
  func farStart() throws {
    let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in dy[0] = 1 - y[0] * y[0] * y[0] },
                           jacobian: { _, y, J in J[0, 0] = -3 * y[0] * y[0] })
    let result = try SteadyStateSolver().solve(system, initial: [40])
    #expect(abs(result.state[0] - 1) < 1e-12)
  }
}
