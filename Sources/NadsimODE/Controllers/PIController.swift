import Foundation

/// Proportional–integral step-size control for one-step methods with an embedded error estimate.
///
/// With error norm ‖e‖ₙ of this attempt and ‖e‖ₙ₋₁ of the last accepted step, the next step is
/// h·fac, fac = safety · ‖e‖ₙ^(−β₁/k) · ‖e‖ₙ₋₁^(β₂/k), clamped to [minFactor, maxFactor] (k = order of
/// the error estimate + 1). β₂ = 0 gives the classic controller. A rejected step never grows h.
/// Reference: Hairer & Wanner, Solving ODEs II, §IV.8; Söderlind (2002), Numer. Algorithms 31.
public struct PIController: Sendable {
  public var beta1: Double
  public var beta2: Double
  public var safety: Double
  public var minFactor: Double
  public var maxFactor: Double
  /// Error norm of the last accepted step (1e-4 before the first, as in DOPRI5).
  public private(set) var previousError = 1e-4
  /// log(previousError), kept so that a decision costs one log and one exp instead of two pow
  /// calls (pow is a log and an exp inside; this was 5–8% of a Tsit5 step on small systems).
  private var logPreviousError = log(1e-4)

  public init(beta1: Double, beta2: Double, safety: Double = 0.9, minFactor: Double = 0.2,
              maxFactor: Double = 10) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.safety = safety
    self.minFactor = minFactor
    self.maxFactor = maxFactor
  }

  /// Decides on an attempt with error norm `error` for a method whose error estimate has order
  /// `order` (local error O(h^(order+1))). Returns whether to accept and the factor for the next h.
  @inline(__always)
  public mutating func decide(error: Double, order: Int) -> (accept: Bool, factor: Double) {
    let k = Double(order + 1)
    let e = max(error, 1e-10)
    let logError = log(e)
    if error <= 1 {
      // safety · e^(−β₁/k) · e_prev^(β₂/k)
      var fac = safety * exp((beta2 * logPreviousError - beta1 * logError) / k)
      fac = min(maxFactor, max(minFactor, fac))
      previousError = max(e, 1e-4)
      logPreviousError = max(logError, Self.logFloor)
      return (true, fac)
    }
    let fac = max(minFactor, safety * exp(-logError / k))
    return (false, min(fac, 1))
  }

  private static let logFloor = log(1e-4)

  /// Forgets the memory of past errors (after a discontinuity).
  public mutating func reset() {
    previousError = 1e-4
    logPreviousError = Self.logFloor
  }
}
