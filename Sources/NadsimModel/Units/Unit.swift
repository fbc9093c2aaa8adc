import Foundation

/// A unit of measurement: a scale factor times powers of the base units mol, m, kg and s.
///
/// `factor` is the value, in base units, of one of this unit: 1 µM = 1 µmol/L = 1e-3 mol/m³, so
/// µM has factor 1e-3 and dimension amount·length⁻³; 1 h has factor 3600 and dimension time.
/// A unit is usually made by parsing (`try Unit(parsing: "µmol/L/h")`, see ``UnitParser``) and
/// combined with `*`, `/` and ``raised(to:)-(UnitExponent)``.
///
/// **Equality.** Two units are equal when their dimensions are equal and their factors agree to 15
/// significant digits: each unit stores its factor rounded to 15 digits as a key, and `==` and
/// hashing use that key. Different spellings of one unit (µmol/mL and mM, mg/cm² · cm² and mg)
/// thus compare equal although their factors round differently in binary, and equality stays
/// transitive and consistent with hashing (two factors straddling a rounding boundary would compare
/// unequal; the decimal factors of real units are far from one). The written form (``terms``)
/// takes no part in equality.
///
/// **Conversion.** A value `x` in unit `a` is `x · a.factor / b.factor` in unit `b` when the
/// dimensions agree (``conversionFactor(to:)``); otherwise conversion is an error.
public struct Unit: Hashable, Sendable, CustomStringConvertible {
  /// Value of one of this unit in base units (mol, m, kg, s). Finite and > 0. Kept at full
  /// precision, except that a value within 4 ulps of a decimal of at most 12 significant digits is
  /// moved onto it, so that mL (1e-3 × 1e-3) has exactly the factor of the literal 1e-6.
  public let factor: Double
  /// `factor` rounded to 15 significant digits: what equality and hashing compare.
  private let key: Double
  /// Exponents of amount, length, mass and time.
  public let dimension: UnitDimension
  /// The written form: symbols and exponents, used only for printing.
  public let terms: [UnitTerm]

  /// A unit from its factor and dimension.
  /// - Parameters:
  ///   - factor: value of one of this unit in mol, m, kg, s; finite and > 0.
  ///   - dimension: exponents of the base dimensions.
  ///   - symbol: how the unit is written ("µM"); when nil it prints in base units
  ///     ("0.001 mol/m^3").
  public init(factor: Double, dimension: UnitDimension, symbol: String? = nil) {
    precondition(
      factor.isFinite && factor > 0, "a unit's factor must be finite and > 0, got \(factor)")
    self.init(
      rawFactor: factor, dimension: dimension,
      terms: symbol.map { [UnitTerm($0)] } ?? Unit.baseTerms(factor: factor, dimension: dimension))
  }

  /// Memberwise.
  init(rawFactor: Double, dimension: UnitDimension, terms: [UnitTerm]) {
    self.factor = Unit.cleaned(rawFactor)
    self.key = Unit.rounded(rawFactor)
    self.dimension = dimension
    self.terms = terms
  }

  // MARK: - Named units

  /// A plain number: dimensionless with factor 1 (written `1`, `dimensionless` or `fraction`).
  public static let dimensionless = Unit(rawFactor: 1, dimension: .none, terms: [])
  public static let mole = Unit(factor: 1, dimension: .amount, symbol: "mol")
  public static let micromole = Unit(factor: 1e-6, dimension: .amount, symbol: "µmol")
  public static let metre = Unit(factor: 1, dimension: .length, symbol: "m")
  public static let decimetre = Unit(factor: 0.1, dimension: .length, symbol: "dm")
  public static let litre = Unit(factor: 1e-3, dimension: .volume, symbol: "L")
  public static let kilogram = Unit(factor: 1, dimension: .mass, symbol: "kg")
  public static let milligram = Unit(factor: 1e-6, dimension: .mass, symbol: "mg")
  public static let second = Unit(factor: 1, dimension: .time, symbol: "s")
  public static let hour = Unit(factor: 3600, dimension: .time, symbol: "h")
  /// µmol/L, written µM.
  public static let micromolar = Unit(factor: 1e-3, dimension: .concentration, symbol: "µM")

  // MARK: - Properties

  /// True when the dimension is none, whatever the factor: `1`, `fraction`, `%` and `ppm` are all
  /// dimensionless. See ``isPureNumber`` for "dimensionless with scale 1".
  public var isDimensionless: Bool { dimension.isDimensionless }

  /// Dimensionless with factor 1: a value in this unit is the plain number itself. `%` (factor
  /// 0.01) is dimensionless but not a pure number: 50 % is the raw value 50.
  public var isPureNumber: Bool { isDimensionless && key == 1 }

  /// True when values convert between the two units (the dimensions agree); scales may differ.
  public func hasSameDimension(as other: Unit) -> Bool { dimension == other.dimension }

  // MARK: - Arithmetic

  public static func * (a: Unit, b: Unit) -> Unit {
    Unit(
      rawFactor: a.factor * b.factor, dimension: a.dimension * b.dimension,
      terms: UnitTerm.merge(a.terms, b.terms))
  }

  public static func / (a: Unit, b: Unit) -> Unit { a * b.reciprocal }

  /// 1/unit: factor inverted, exponents negated.
  public var reciprocal: Unit { raised(to: -1) }

  /// The unit to an integer power (h^-1, cm^2).
  public func raised(to exponent: Int) -> Unit { raised(to: UnitExponent(exponent)) }

  /// The unit to a rational power: exponents multiplied, factor raised (sqrt(µM) has factor
  /// (1e-3)^(1/2) and dimension amount^(1/2)·length^(-3/2)).
  public func raised(to exponent: UnitExponent) -> Unit {
    let f =
      exponent.isInteger
      ? Unit.integerPower(factor, exponent.numerator) : pow(factor, exponent.doubleValue)
    return Unit(
      rawFactor: f, dimension: dimension.raised(to: exponent),
      terms: UnitTerm.raise(terms, to: exponent))
  }

  /// The square root: exponents halved.
  public func squareRoot() -> Unit { raised(to: UnitExponent(1, 2)) }

  /// This unit printed as `symbol` (for units defined in terms of others, such as M = mol/L).
  public func named(_ symbol: String) -> Unit {
    Unit(rawFactor: factor, dimension: dimension, terms: [UnitTerm(symbol)])
  }

  // MARK: - Conversion

  /// The number a value in this unit is multiplied by to express it in `other`:
  /// µM → mM gives 1e-3, 1/s → 1/h gives 3600, year → h gives 8766.
  /// - Throws: ``UnitError`` of kind `incompatibleDimensions`, naming both units, when the
  ///   dimensions differ.
  public func conversionFactor(to other: Unit) throws(UnitError) -> Double {
    guard hasSameDimension(as: other) else {
      throw UnitError(
        .incompatibleDimensions,
        "cannot convert \(self) (\(dimension)) to \(other) (\(other.dimension)): "
          + "the dimensions differ")
    }
    return Unit.cleaned(factor / other.factor)
  }

  /// `value` (in this unit) expressed in `other`.
  /// - Throws: ``UnitError`` when the dimensions differ (see ``conversionFactor(to:)``).
  public func convert(_ value: Double, to other: Unit) throws(UnitError) -> Double {
    value * (try conversionFactor(to: other))
  }

  // MARK: - Printing

  /// The unit as written or composed: "µM/h", "mg/cm^2", "1/h", "%", "dimensionless".
  /// Composed units keep their symbols, so k·S with k in 1/h and S in µM prints "µM/h".
  public var description: String {
    if terms.isEmpty { return isPureNumber ? "dimensionless" : canonicalDescription }
    return UnitTerm.render(terms)
  }

  /// The unit in base units with its factor: "0.001 mol/m^3" for µM, "3600 s" for h, "1/s",
  /// "0.01" for %, "dimensionless" for 1. Equal units have equal canonical descriptions.
  public var canonicalDescription: String {
    let text = UnitTerm.render(Unit.baseTerms(factor: key, dimension: dimension))
    return text.isEmpty ? "dimensionless" : text
  }

  // MARK: - Helpers

  /// `x` rounded to 15 significant digits (see the type's discussion of equality).
  static func rounded(_ x: Double) -> Double {
    guard x.isFinite, x != 0 else { return x }
    return Double(String(format: "%.15g", x)) ?? x
  }

  /// `x` moved onto the nearest decimal of at most 12 significant digits when it lies within 4 ulps
  /// of it, unchanged otherwise: 0.0010000000000000002 becomes 0.001 (a product of prefixes), but
  /// 1/60 keeps full precision (rounding it to 15 digits would make 90 min = 1.500000000000003 h).
  static func cleaned(_ x: Double) -> Double {
    guard x.isFinite, x != 0 else { return x }
    guard let short = Double(String(format: "%.12g", x)) else { return x }
    return abs(short - x) <= 4 * x.ulp ? short : x
  }

  /// "0.001", "3600", "2.77777777777778e-07": a factor as printed in descriptions.
  static func formatted(_ x: Double) -> String { String(format: "%.15g", x) }

  /// Repeated multiplication, exact for the powers of ten and of 60 that occur in units.
  private static func integerPower(_ x: Double, _ n: Int) -> Double {
    var result = 1.0
    for _ in 0..<abs(n) { result *= x }
    return n < 0 ? 1 / result : result
  }

  /// Factor (if not 1) and the base symbols mol, m, kg, s with their exponents.
  static func baseTerms(factor: Double, dimension: UnitDimension) -> [UnitTerm] {
    var terms: [UnitTerm] = rounded(factor) == 1 ? [] : [UnitTerm(formatted(factor))]
    let symbols = ["mol", "m", "kg", "s"]
    for (symbol, component) in zip(symbols, dimension.components) where component.exponent != 0 {
      terms.append(UnitTerm(symbol, component.exponent))
    }
    return terms
  }

  /// True when the scales agree to 15 significant digits, whatever the dimensions.
  func hasSameScale(as other: Unit) -> Bool { key == other.key }

  public static func == (a: Unit, b: Unit) -> Bool { a.key == b.key && a.dimension == b.dimension }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(key)
    hasher.combine(dimension)
  }
}
