/// Brackets-preserving root finding on a scalar function of time (Illinois variant of regula falsi,
/// with bisection safeguards): used to locate events on the dense output between two steps.
///
/// Reference: Dowell & Jarratt (1971), BIT 11, "A modified regula falsi method for computing the
/// root of an equation".
enum RootFinder {
  /// Finds t in [a, b] with g(t) = 0, given g(a) = ga and g(b) = gb of opposite signs (or gb = 0).
  /// Stops when the bracket is below `tolerance`. Returns the right end of the final bracket, so
  /// that the event has happened at the returned time.
  static func locate(
    _ a0: Double, _ b0: Double, ga ga0: Double, gb gb0: Double, tolerance: Double,
    evaluate g: (Double) -> Double
  ) -> Double {
    var a = a0, b = b0, ga = ga0, gb = gb0
    if gb == 0 { return b }
    var side = 0
    for _ in 0..<200 {
      if abs(b - a) <= tolerance { break }
      var t = (a * gb - b * ga) / (gb - ga)
      // Keep the iterate strictly inside; fall back to bisection when regula falsi stalls.
      if !(t > a && t < b) { t = 0.5 * (a + b) }
      let gt = g(t)
      if gt == 0 { return t }
      if (gt < 0) == (ga < 0) {
        a = t; ga = gt
        if side == -1 { gb *= 0.5 }
        side = -1
      } else {
        b = t; gb = gt
        if side == 1 { ga *= 0.5 }
        side = 1
      }
    }
    return b
  }
}
