import Foundation

/// The accuracy measures of the IVP test set (Mazzia & Magherini, Test Set for IVP Solvers,
/// release 2.4, `report.f`): significant correct digits at the final time.
public enum AccuracyMeasures {
  /// Relative: scd = −log₁₀ maxᵢ |yᵢ − refᵢ| / |refᵢ| over components with refᵢ ≠ 0.
  public static func scd(_ y: [Double], reference: [Double]) -> Double {
    var worst = 0.0
    for (v, r) in zip(y, reference) where r != 0 { worst = max(worst, abs(v - r) / abs(r)) }
    return -log10(worst)
  }

  /// Mixed: mescd = −log₁₀ maxᵢ |yᵢ − refᵢ| / (atol/rtol + |refᵢ|).
  public static func mescd(_ y: [Double], reference: [Double], rtol: Double, atol: Double) -> Double {
    var worst = 0.0
    for (v, r) in zip(y, reference) { worst = max(worst, abs(v - r) / (atol / rtol + abs(r))) }
    return -log10(worst)
  }
}
