/// Per-run summary metrics of one observable (or species) series: what pharmacometricians report.
///
/// All times in hours. AUC uses the trapezoidal rule on the recorded points (record on a fine
/// grid, e.g. `everyHours`, for an accurate AUC).
public struct TrajectoryMetrics: Equatable, Sendable {
  /// Largest value and the first time it is reached.
  public var cmax: Double
  public var tmax: Double
  /// Area under the curve over the run.
  public var auc: Double
  /// Smallest value over the last `troughWindowHours` of the run (the last dosing interval).
  public var trough: Double
  /// Value at the end of the run over the untreated baseline value.
  public var foldChange: Double
  /// First time the series reaches 90% of its change from baseline to its final value (nil when
  /// it never gets there, or when the change is within rounding of the values: below 1e-9 of
  /// their size).
  public var timeTo90PercentOfFinal: Double?

  /// - Parameters:
  ///   - times: recorded times (non-decreasing).
  ///   - values: the series at those times.
  ///   - baseline: the untreated value.
  ///   - troughWindowHours: length of the final window for the trough (e.g. the dosing interval);
  ///     the whole run when nil.
  public init(times: [Double], values: [Double], baseline: Double, troughWindowHours: Double? = nil) {
    precondition(times.count == values.count && !times.isEmpty, "metrics need a non-empty series")
    var cmax = values[0], tmax = times[0], auc = 0.0
    for k in 0..<values.count {
      if values[k] > cmax { cmax = values[k]; tmax = times[k] }
      if k > 0 { auc += 0.5 * (values[k] + values[k - 1]) * (times[k] - times[k - 1]) }
    }
    let end = times[times.count - 1]
    let windowStart = troughWindowHours.map { end - $0 } ?? times[0]
    var trough = Double.infinity
    for (t, v) in zip(times, values) where t >= windowStart - 1e-9 { trough = min(trough, v) }
    let final = values[values.count - 1]
    let change = final - baseline
    var t90: Double? = nil
    if abs(change) > 1e-9 * max(abs(baseline), abs(final)) {
      let target = baseline + 0.9 * change
      for (t, v) in zip(times, values) where (change > 0 ? v >= target : v <= target) {
        t90 = t
        break
      }
    }
    self.cmax = cmax
    self.tmax = tmax
    self.auc = auc
    self.trough = trough
    self.foldChange = final / baseline
    self.timeTo90PercentOfFinal = t90
  }
}
