import Foundation
import Testing
import NadsimODE

/// Gustafsson's predictive controller against its formulas, worked out by hand from Hairer &
/// Wanner, Solving ODEs II, §IV.8 (eq. 8.25 and the RADAU5 safety factor), for an error estimate
/// of order 3 (exponent 1/4), safety 0.9, factors in [0.2, 8], 7 Newton iterations allowed.
@Suite("Predictive step-size controller")
struct PredictiveControllerTests {
  @Test("first step: classic proposal; then the predictive one when the error grows fast")
  func classicThenPredictive() {
    var controller = PredictiveController(maxNewtonIterations: 7)
    // ‖e‖ = 0.01, one Newton iteration: fac = 0.9, h_new/h = 0.9 / 0.01^(1/4) = 2.846…
    let first = controller.factor(error: 0.01, order: 3, step: 1, newtonIterations: 1, accepted: true)
    #expect(abs(first - 0.9 / pow(0.01, 0.25)) < 1e-14)
    // Next step h = 2.846, ‖e‖ = 0.9: classic 0.9/0.9^(1/4) = 0.924; predictive
    // 0.9·(h/h_prev)·(0.01/0.9²)^(1/4) = 0.9·2.846·(1/3)… = 0.854, the smaller, is taken.
    let classic = 0.9 / pow(0.9, 0.25)
    let predictive = 0.9 * (first / 1) * pow(0.01 / (0.9 * 0.9), 0.25)
    let second = controller.factor(error: 0.9, order: 3, step: first, newtonIterations: 1, accepted: true)
    #expect(predictive < classic)
    #expect(abs(second - predictive) < 1e-13)
  }

  @Test("slow Newton lowers the safety factor; a rejection shrinks h and leaves the memory alone")
  func newtonAndRejection() {
    var controller = PredictiveController(maxNewtonIterations: 7)
    // 7 iterations: fac = 0.9·(1 + 14)/(7 + 14) = 0.642857…
    let slow = controller.factor(error: 0.0625, order: 3, step: 1, newtonIterations: 7, accepted: false)
    #expect(abs(slow - 0.9 * 15 / 21 / 0.5) < 1e-14)
    // ‖e‖ = 16: 0.9/2 = 0.45.
    let rejected = controller.factor(error: 16, order: 3, step: 1, newtonIterations: 1, accepted: false)
    #expect(abs(rejected - 0.45) < 1e-14)
    // Huge errors are held at the smallest factor 0.2, tiny ones at the largest 8.
    #expect(controller.factor(error: 1e8, order: 3, step: 1, newtonIterations: 1, accepted: false) == 0.2)
    // No accepted step yet, so no predictive limit: 0.9/1e-10^(1/4) > 8 → 8.
    #expect(controller.factor(error: 0, order: 3, step: 1, newtonIterations: 1, accepted: true) == 8)
    controller.reset()
    let afterReset = controller.factor(error: 0.0625, order: 3, step: 1, newtonIterations: 1, accepted: true)
    #expect(abs(afterReset - 1.8) < 1e-14)
  }
}
