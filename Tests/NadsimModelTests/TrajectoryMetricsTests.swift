import Foundation
import Testing
import NadsimModel

/// Metrics on series whose answers are known in closed form.
@Suite("Trajectory metrics")
struct TrajectoryMetricsTests {
  /// v(t) = 1 + t·e^(1−t) on [0, 10]: maximum 2 at t = 1; ∫₀¹⁰ = 10 + e·(1 − 11e^(−10)).
  @Test("Cmax, Tmax and AUC of 1 + t·e^(1−t)")
  func peakAndArea() {
    let times = (0...10_000).map { Double($0) / 1000 }
    let values = times.map { 1 + $0 * exp(1 - $0) }
    let m = TrajectoryMetrics(times: times, values: values, baseline: 1)
    #expect(abs(m.cmax - 2) < 1e-6)
    #expect(abs(m.tmax - 1) < 1e-3)
    #expect(abs(m.auc - (10 + exp(1) * (1 - 11 * exp(-10)))) < 1e-5)
  }

  /// Rise to a new level: v = 2 − e^(−t/τ) from baseline 1 reaches 90% of its change when
  /// e^(−t/τ) = 0.1 + 0.9·e^(−T/τ)... with T large the answer is τ·ln 10.
  @Test("time to 90% of the new steady state is τ·ln 10 for a first-order rise")
  func timeTo90() {
    let tau = 3.0
    let times = (0...60_000).map { Double($0) / 1000 }
    let values = times.map { 2 - exp(-$0 / tau) }
    let m = TrajectoryMetrics(times: times, values: values, baseline: 1)
    let final = values.last!
    let exact = -tau * log(1 - 0.9 * (final - 1))
    #expect(abs(m.timeTo90PercentOfFinal! - exact) < 2e-3)
    #expect(abs(m.foldChange - final) < 1e-12)
  }

  @Test("trough over the last window")
  func trough() {
    let times = (0...480).map { Double($0) / 10 }  // 0…48 h
    let values = times.map { 5 + sin(2 * Double.pi * $0 / 12) }  // period 12 h
    let m = TrajectoryMetrics(times: times, values: values, baseline: 5, troughWindowHours: 12)
    #expect(abs(m.trough - 4) < 1e-3)
  }
}
