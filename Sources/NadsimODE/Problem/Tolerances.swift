/// Relative and absolute error tolerances, scalar or one per component.
///
/// A step is accepted when the weighted RMS norm of its local error estimate is ≤ 1, with weights
/// wᵢ = 1 / (atolᵢ + rtolᵢ·max(|y₀ᵢ|, |y₁ᵢ|)) (Hairer–Nørsett–Wanner, Solving ODEs I, §II.4).
public struct Tolerances: Sendable {
  public var relative: [Double]
  public var absolute: [Double]

  /// The same tolerances for every component.
  public init(relative: Double, absolute: Double) {
    self.relative = [relative]
    self.absolute = [absolute]
  }

  /// Per-component tolerances (each array has one entry, or one per state).
  public init(relative: [Double], absolute: [Double]) {
    self.relative = relative
    self.absolute = absolute
  }

  /// Checks that each tolerance is finite and positive (absolute may be zero if relative is not)
  /// and that array lengths fit `dimension`. Returns a message naming the fault, or nil.
  public func problem(dimension n: Int) -> String? {
    for (name, values) in [("rtol", relative), ("atol", absolute)] {
      if values.count != 1 && values.count != n {
        return "\(name) has \(values.count) entries; expected 1 or \(n)"
      }
      for v in values where !(v.isFinite && v >= 0) {
        return "\(name) = \(v) is not a finite non-negative number"
      }
    }
    if relative.contains(where: { $0 <= 0 }) { return "rtol must be > 0" }
    if relative.contains(where: { $0 < 1e-15 }) { return "rtol below 1e-15 cannot be met in double precision" }
    return nil
  }

  /// Expands to n values each, for the inner loops.
  func expanded(dimension n: Int) -> (relative: [Double], absolute: [Double]) {
    (relative.count == 1 ? Array(repeating: relative[0], count: n) : relative,
     absolute.count == 1 ? Array(repeating: absolute[0], count: n) : absolute)
  }

  /// The smallest relative tolerance (used where one scalar is needed, e.g. Newton stopping).
  public var tightestRelative: Double { relative.min() ?? .nan }
}
