/// Sample quantiles by linear interpolation between order statistics (Hyndman & Fan 1996,
/// definition 7; the default of R and NumPy), so that the 5/50/95 % columns match what users get
/// from pandas on the per-person rows.
public enum Quantiles {
  /// Quantile `p` ∈ [0, 1] of `sorted` (ascending, non-empty).
  public static func value(_ p: Double, sorted: [Double]) -> Double {
    precondition(!sorted.isEmpty && (0...1).contains(p))
    let h = Double(sorted.count - 1) * p
    let lower = Int(h.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
  }
}
