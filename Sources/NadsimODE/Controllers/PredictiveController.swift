import Foundation

/// Gustafsson's predictive step-size controller, as used by RADAU5 for implicit Runge–Kutta
/// methods whose Newton iteration also limits the step (Hairer & Wanner, Solving ODEs II, §IV.8,
/// eq. 8.25; K. Gustafsson, ACM TOMS 20 (1994) 496).
///
/// With error norm ‖e‖ₙ (error estimate of order p, local error O(h^(p+1)), k = p + 1) the classic
/// proposal is h·fac·‖e‖ₙ^(−1/k); fac is the safety factor lowered when the Newton iteration needed
/// many of its allowed iterations (fac = min(safety, safety·(1 + 2·m)/(iterations + 2·m))). After an
/// accepted step that follows another accepted one, the predictive proposal
/// hₙ·safety·(hₙ/hₙ₋₁)·(‖e‖ₙ₋₁/‖e‖ₙ²)^(1/k) is also formed and the smaller of the two is taken.
/// Factors are kept in [minFactor, maxFactor]; after a rejection the next accepted step does not
/// grow (the stepper enforces that, since it knows about rejections).
public struct PredictiveController: Sendable {
  public var safety = 0.9
  public var minFactor = 0.2
  public var maxFactor = 8.0
  /// Iterations the Newton solver may use per attempt (m above).
  public var maxNewtonIterations: Int
  /// Step and error norm (floored at 1e-2) of the last accepted step; step 0 before the first.
  private var previousStep = 0.0
  private var previousError = 1e-2

  public init(maxNewtonIterations: Int) {
    self.maxNewtonIterations = maxNewtonIterations
  }

  /// The factor for the next step after an attempt of size `step` with error norm `error`
  /// (estimate of order `order`) that used `newtonIterations`. `accepted` says whether the
  /// attempt was kept (only accepted steps feed the predictive formula and its memory).
  public mutating func factor(error: Double, order: Int, step: Double, newtonIterations: Int,
                              accepted: Bool) -> Double {
    let exponent = 1 / Double(order + 1)
    let e = max(error, 1e-10)
    let m = Double(maxNewtonIterations)
    let fac = min(safety, safety * (1 + 2 * m) / (Double(newtonIterations) + 2 * m))
    var quotient = max(1 / maxFactor, min(1 / minFactor, pow(e, exponent) / fac))
    if accepted {
      if previousStep > 0 {
        var predictive = (previousStep / step) * pow(e * e / previousError, exponent) / safety
        predictive = max(1 / maxFactor, min(1 / minFactor, predictive))
        quotient = max(quotient, predictive)
      }
      previousStep = step
      previousError = max(1e-2, e)
    }
    return 1 / quotient
  }

  /// Forgets the last accepted step (after a discontinuity).
  public mutating func reset() {
    previousStep = 0
    previousError = 1e-2
  }
}
