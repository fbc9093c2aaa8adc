import NadsimProblems

/// The HIRES right-hand side as model-file formulas (transcribed from `Hires.rhs`, the test set's
/// hires.f), with states y0…y7 and rate constants k1…k9, oks as symbols.
enum HiresText {
  static let rightHandSide = [
    "oks - k1*y0 + k2*y1 + k6*y2",
    "k1*y0 - k2*y1 - k3*y1",
    "-k1*y2 + k2*y3 + k5*y4 - k6*y2",
    "k1*y2 - k2*y3 + k3*y1 - k4*y3",
    "-k1*y4 + k2*y5 + k2*y6 - k5*y4",
    "k1*y4 - k2*y5 - k7*y5*y7 + k8*y3 + k8*y6",
    "-k2*y6 + k7*y5*y7 - k8*y6 - k9*y6",
    "k2*y6 - k7*y5*y7 + k8*y6 + k9*y6",
  ]

  static let parameterNames = ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "oks"]

  static func parameters(_ k: Hires.RateConstants) -> [Double] {
    [k.k1, k.k2, k.k3, k.k4, k.k5, k.k6, k.k7, k.k8, k.k9, k.oks]
  }

  static func bindings(y: [Double], k: Hires.RateConstants) -> [String: Double] {
    var values: [String: Double] = [:]
    for (j, v) in y.enumerated() { values["y\(j)"] = v }
    for (name, v) in zip(parameterNames, parameters(k)) { values[name] = v }
    return values
  }
}
