/// The physical dimension of a unit: exponents of the four base dimensions of kinetic models,
/// amount (mol), length (m; volume is length³), mass (kg) and time (s).
///
/// Two units can be converted into each other exactly when their dimensions are equal.
/// Temperature, current and luminosity are not modelled.
public struct UnitDimension: Hashable, Sendable, CustomStringConvertible {
  public var amount: UnitExponent
  public var length: UnitExponent
  public var mass: UnitExponent
  public var time: UnitExponent

  public init(
    amount: UnitExponent = 0, length: UnitExponent = 0, mass: UnitExponent = 0,
    time: UnitExponent = 0
  ) {
    self.amount = amount
    self.length = length
    self.mass = mass
    self.time = time
  }

  /// No dimension: plain numbers, fractions, percentages.
  public static let none = UnitDimension()
  public static let amount = UnitDimension(amount: 1)
  public static let length = UnitDimension(length: 1)
  public static let area = UnitDimension(length: 2)
  public static let volume = UnitDimension(length: 3)
  public static let mass = UnitDimension(mass: 1)
  public static let time = UnitDimension(time: 1)
  /// Amount per volume (mol/L and its multiples).
  public static let concentration = UnitDimension(amount: 1, length: -3)
  /// Mass per volume (mg/L and its multiples).
  public static let massConcentration = UnitDimension(length: -3, mass: 1)

  /// True when every exponent is zero.
  public var isDimensionless: Bool { self == .none }

  public static func * (a: UnitDimension, b: UnitDimension) -> UnitDimension {
    UnitDimension(
      amount: a.amount + b.amount, length: a.length + b.length, mass: a.mass + b.mass,
      time: a.time + b.time)
  }

  public static func / (a: UnitDimension, b: UnitDimension) -> UnitDimension {
    a * b.raised(to: -1)
  }

  /// Every exponent multiplied by `exponent` (squaring doubles them, a square root halves them).
  public func raised(to exponent: UnitExponent) -> UnitDimension {
    UnitDimension(
      amount: amount * exponent, length: length * exponent, mass: mass * exponent,
      time: time * exponent)
  }

  /// The exponents in the order amount, length, mass, time, with the words used to print them.
  var components: [(word: String, exponent: UnitExponent)] {
    [("amount", amount), ("length", length), ("mass", mass), ("time", time)]
  }

  /// Words in the style of the units: "amount/volume/time", "mass/area", "1/time",
  /// "amount^(1/2)/length^(3/2)", "dimensionless". Length² and length³ read "area" and "volume".
  public var description: String {
    if isDimensionless { return "dimensionless" }
    var terms: [UnitTerm] = []
    for (word, exponent) in components where exponent != 0 {
      if word == "length", abs(exponent.numerator) == 2 || abs(exponent.numerator) == 3,
        exponent.isInteger
      {
        terms.append(
          UnitTerm(
            abs(exponent.numerator) == 2 ? "area" : "volume",
            exponent.numerator > 0 ? 1 : -1))
      } else {
        terms.append(UnitTerm(word, exponent))
      }
    }
    return UnitTerm.render(terms)
  }
}
