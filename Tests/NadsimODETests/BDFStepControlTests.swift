import Foundation
import Testing
@testable import NadsimODE

/// The step-size rules ``BDFStepper`` and ``EnsembleBDF`` share, checked against the rules as the
/// CVODE documentation states them ("Mathematical considerations": after an error-test failure
/// η = 1/((6E)^(1/(q+1)) + 10⁻⁶) bounded below by 0.1 and, from the second failure on, above by
/// 0.2; after three failures the order falls to 1 and η = 0.1; after a corrector failure η = 1/4;
/// a step grows only when η ≥ 1.5, and never right after a failure). Expected values are worked
/// out by hand from those formulas.
@Suite("BDF step-size and order rules")
struct BDFStepControlTests {
  static let policy = BDFNewtonPolicy()

  @Test("error-test failures: η from E, floor 0.1, cap 0.2 from the second, order 1 after three")
  func errorTestFailures() {
    var c = BDFStepControl()
    c.q = 3
    c.hScale = 0.5
    // E = 10 at q = 3: η = 1/(60^(1/4) + 1e-6) = 0.3593…
    var (drop, failure) = c.errorTestFailure(errorNorm: 10, t: 2)
    #expect(!drop && failure == nil)
    #expect(abs(c.eta - 1 / (pow(60, 0.25) + 1e-6)) < 1e-15)
    #expect(c.proposedStep == 0.5 * c.eta)
    #expect(c.etaMax == 1)
    // Second failure: capped at 0.2.
    (drop, failure) = c.errorTestFailure(errorNorm: 10, t: 2)
    #expect(!drop && failure == nil && c.eta == 0.2)
    // A huge error: floor 0.1.
    (drop, failure) = c.errorTestFailure(errorNorm: 1e12, t: 2)
    #expect(!drop && failure == nil && c.eta == 0.1)
    // Fourth failure: order 1, η = 0.1, the caller must rebuild z₁.
    (drop, failure) = c.errorTestFailure(errorNorm: 2, t: 2)
    #expect(drop && failure == nil && c.q == 1 && c.eta == 0.1 && c.qwait == 2)
    // Failures 5 and 6 at order 1 do not drop again; the 7th ends the solve.
    for _ in 0..<2 {
      let outcome = c.errorTestFailure(errorNorm: 2, t: 2)
      #expect(!outcome.dropToOrderOne && outcome.failure == nil)
    }
    let last = c.errorTestFailure(errorNorm: 2, t: 2)
    #expect(last.failure == .stepSizeUnderflow(t: 2))
  }

  @Test("corrector failures: η = 1/4 until the limit; fixed steps and non-finite runs end at once")
  func convergenceFailures() {
    var c = BDFStepControl()
    c.hScale = 0.8
    #expect(c.convergenceFailure(nonFinite: false, t: 1, policy: Self.policy) == nil)
    #expect(c.eta == 0.25 && c.proposedStep == 0.2 && c.etaMax == 1)
    for _ in 1..<(Self.policy.maxConvergenceFailures - 1) {
      #expect(c.convergenceFailure(nonFinite: false, t: 1, policy: Self.policy) == nil)
    }
    #expect(c.convergenceFailure(nonFinite: false, t: 1, policy: Self.policy) == .newtonFailed(t: 1))

    var fixed = BDFStepControl()
    #expect(fixed.convergenceFailure(nonFinite: true, t: 3, policy: Self.policy, mayRetry: false) == .rhsNotFinite(t: 3))
    #expect(fixed.nonFiniteSinceErrorTest)
  }

  @Test("after an accepted step: grow only by ≥ 1.5, keep h after a failure, respect the maximum step")
  func acceptedStep() {
    var thresholds = [Double](repeating: 0, count: 8)
    BDFStepControl.fillGrowthThresholds(&thresholds, count: 8, policy: Self.policy)
    var tau: [Double] = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    var xi = [Double](repeating: 0, count: 8)
    func accept(_ c: inout BDFStepControl, _ e: Double, maxStep: Double = .infinity) {
      c.chooseNextStep(errorNorm: e, tau: &tau, xi: &xi, maxOrder: 5, maxStep: maxStep, thresholds: thresholds,
                       saveDelta: {}, lowerOrderNorm: { 1 }, higherOrderNorm: { _, _ in 1 })
    }
    var c = BDFStepControl()
    c.q = 2
    c.qwait = 3
    c.hScale = 0.1
    c.etaMax = 10
    // E = 1e-4 at q = 2: η = 1/((6e-4)^(1/3) + 1e-6) = 11.85… > etaMax = 10.
    accept(&c, 1e-4)
    #expect(c.eta == 10 && abs(c.proposedStep - 1) < 1e-15)
    // E = 0.1: η = 1/(0.6^(1/3) + 1e-6) = 1.186 < 1.5: the step is kept.
    c.hScale = 0.1
    accept(&c, 0.1)
    #expect(c.eta == 1 && c.proposedStep == 0.1)
    // After a failure (etaMax = 1) the step is kept even with a tiny error; then etaMax is 10.
    c.etaMax = 1
    accept(&c, 1e-10)
    #expect(c.eta == 1 && c.etaMax == 10)
    // The maximum step caps the growth.
    c.qwait = 5
    accept(&c, 1e-10, maxStep: 0.25)
    #expect(abs(c.proposedStep - 0.25) < 1e-15)
  }
}
