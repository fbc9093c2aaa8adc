/// A rational exponent of a base dimension: an integer for ordinary units (m^3, h^-1), a fraction
/// such as 1/2 after a square root (sqrt(µM) has amount^(1/2)).
///
/// Always kept in lowest terms with a positive denominator, so `==` and hashing compare values.
public struct UnitExponent: Hashable, Sendable, Comparable, ExpressibleByIntegerLiteral,
  CustomStringConvertible
{
  /// The numerator, carrying the sign.
  public let numerator: Int
  /// The denominator, always ≥ 1.
  public let denominator: Int

  /// The fraction numerator/denominator in lowest terms.
  /// - Precondition: `denominator != 0`.
  public init(_ numerator: Int, _ denominator: Int = 1) {
    precondition(denominator != 0, "UnitExponent with denominator 0")
    let sign = denominator < 0 ? -1 : 1
    let g = UnitExponent.gcd(abs(numerator), abs(denominator))
    self.numerator = sign * numerator / g
    self.denominator = sign * denominator / g
  }

  public init(integerLiteral value: Int) { self.init(value) }

  /// The fraction p/q with q ≤ `maxDenominator` closest to `value`, or nil when none lies within
  /// 1e-9 (relative to max(1, |value|)). Accepts 0.5 → 1/2, 2.7 → 27/10, 1/3 written as
  /// 0.3333333333333333 → 1/3; rejects π.
  /// - Parameters:
  ///   - value: a finite number.
  ///   - maxDenominator: largest denominator tried (≥ 1); 100 by default.
  public init?(approximating value: Double, maxDenominator: Int = 100) {
    guard value.isFinite, abs(value) < Double(Int32.max) else { return nil }
    let tolerance = 1e-9 * max(1, abs(value))
    for q in 1...max(1, maxDenominator) {
      let p = (value * Double(q)).rounded()
      if abs(p / Double(q) - value) <= tolerance {
        self.init(Int(p), q)
        return
      }
    }
    return nil
  }

  public static let zero: UnitExponent = 0
  public static let one: UnitExponent = 1

  /// True for whole numbers (denominator 1).
  public var isInteger: Bool { denominator == 1 }
  /// The exponent as a Double (exact for integers and halves).
  public var doubleValue: Double { Double(numerator) / Double(denominator) }

  public static func + (a: UnitExponent, b: UnitExponent) -> UnitExponent {
    UnitExponent(
      a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
  }
  public static func - (a: UnitExponent, b: UnitExponent) -> UnitExponent { a + (-b) }
  public static func * (a: UnitExponent, b: UnitExponent) -> UnitExponent {
    UnitExponent(a.numerator * b.numerator, a.denominator * b.denominator)
  }
  public static prefix func - (a: UnitExponent) -> UnitExponent {
    UnitExponent(-a.numerator, a.denominator)
  }

  public static func < (a: UnitExponent, b: UnitExponent) -> Bool {
    a.numerator * b.denominator < b.numerator * a.denominator
  }

  /// "2", "-1", "1/2", "-3/2".
  public var description: String { isInteger ? "\(numerator)" : "\(numerator)/\(denominator)" }

  private static func gcd(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return max(a, 1)
  }
}
