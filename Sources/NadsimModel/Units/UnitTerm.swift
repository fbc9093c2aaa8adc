/// One symbol with its exponent in the written form of a unit, such as `h` with −1 in µmol/L/h.
///
/// Terms only serve printing: a ``Unit`` keeps the symbols it was written with so that messages
/// show "µM/h" rather than "2.77777777777778e-07 mol/m^3/s". They never take part in equality.
public struct UnitTerm: Hashable, Sendable {
  /// A unit symbol ("µmol", "h", "%"), a number ("1000") or a dimension word ("amount").
  public let symbol: String
  public let exponent: UnitExponent

  public init(_ symbol: String, _ exponent: UnitExponent = 1) {
    self.symbol = symbol
    self.exponent = exponent
  }

  /// Terms of `a` followed by those of `b`, exponents of equal symbols added, zeros dropped.
  static func merge(_ a: [UnitTerm], _ b: [UnitTerm]) -> [UnitTerm] {
    var result = a
    for term in b {
      if let i = result.firstIndex(where: { $0.symbol == term.symbol }) {
        result[i] = UnitTerm(term.symbol, result[i].exponent + term.exponent)
      } else {
        result.append(term)
      }
    }
    return result.filter { $0.exponent != 0 }
  }

  /// Every exponent multiplied by `exponent`.
  static func raise(_ terms: [UnitTerm], to exponent: UnitExponent) -> [UnitTerm] {
    terms.map { UnitTerm($0.symbol, $0.exponent * exponent) }.filter { $0.exponent != 0 }
  }

  /// Positive terms joined by "·", then "/term" for each negative one: "µmol/L/h", "mg·h/L",
  /// "1/h", "cm^2", "amount^(1/2)". A leading number is separated by a space ("0.001 mol/m^3").
  /// Empty for no terms.
  static func render(_ terms: [UnitTerm]) -> String {
    func written(_ symbol: String, _ e: UnitExponent) -> String {
      if e == 1 { return symbol }
      return e.isInteger ? "\(symbol)^\(e.numerator)" : "\(symbol)^(\(e))"
    }
    let numerator = terms.filter { $0.exponent > 0 }
    let denominator = terms.filter { $0.exponent < 0 }
    var text = ""
    for (i, term) in numerator.enumerated() {
      if i > 0 {
        let previousIsNumber = numerator[i - 1].symbol.first.map { $0.isNumber } ?? false
        text += previousIsNumber ? " " : "·"
      }
      text += written(term.symbol, term.exponent)
    }
    if text.isEmpty && !denominator.isEmpty { text = "1" }
    for term in denominator { text += "/" + written(term.symbol, -term.exponent) }
    return text
  }
}
