import Foundation

// Amounts, durations and rates written with units, as they appear in --dose flags, regimen files
// and event tables. Model time is in hours, so durations convert to hours. Amounts stay in one of
// two explicit kinds, mass (mg) or amount of substance (µmol), because converting between them
// needs a molecular weight that only the model (its route or substance) knows.

/// A dose amount: a mass in milligrams or an amount of substance in micromoles.
///
/// The two kinds are kept apart on purpose: 500 mg of one substance is a different number of
/// micromoles from 500 mg of another, so the conversion waits until the model layer supplies the
/// molecular weight (``micromoles(molecularWeight:)``).
public enum DoseAmount: Hashable, Sendable, CustomStringConvertible {
  /// A mass, in mg.
  case milligrams(Double)
  /// An amount of substance, in µmol.
  case micromoles(Double)

  /// Which of the two kinds an amount (or a rate) is.
  public enum Kind: String, Sendable, CustomStringConvertible {
    /// Mass (mg).
    case mass
    /// Amount of substance (µmol).
    case moles

    public var description: String { self == .mass ? "a mass" : "an amount of substance" }
  }

  /// Reads an amount such as `500mg`, `0.5 g`, `250 µg`, `100 umol`, `2 mmol` or `1e3 nmol`.
  ///
  /// Masses become mg (`g` × 1000, `µg` ÷ 1000); amounts of substance become µmol (`mmol` × 1000,
  /// `nmol` ÷ 1000). `µ` may be written as the micro sign, the Greek mu or `u`. The number must be
  /// finite and ≥ 0 and the unit is required.
  /// - Throws: ``DoseQuantityError`` naming the text and what was expected.
  public init(parsing text: String) throws(DoseQuantityError) {
    let (value, unit) = try DoseQuantity.split(text, units: DoseQuantity.amountUnitList)
    guard let unit else {
      throw DoseQuantityError(text, "missing unit; expected one of \(DoseQuantity.amountUnitList)")
    }
    guard let scale = DoseQuantity.amountUnits[unit] else {
      throw DoseQuantityError(text, "unknown unit '\(unit)'; expected one of \(DoseQuantity.amountUnitList)")
    }
    self = scale.apply(to: value)
  }

  /// The number, in mg for a mass and in µmol for an amount of substance.
  public var value: Double {
    switch self {
    case .milligrams(let v), .micromoles(let v): return v
    }
  }

  public var kind: Kind {
    switch self {
    case .milligrams: return .mass
    case .micromoles: return .moles
    }
  }

  /// `mg` or `µmol`.
  public var unitSymbol: String { kind == .mass ? "mg" : "µmol" }

  /// The same kind with the value replaced.
  public func withValue(_ value: Double) -> DoseAmount {
    kind == .mass ? .milligrams(value) : .micromoles(value)
  }

  /// The amount in µmol, converting a mass with the molecular weight (g/mol = mg/mmol), so that
  /// µmol = mg × 1000 / MW. An amount already in µmol is returned unchanged.
  public func micromoles(molecularWeight gramsPerMole: Double) -> Double {
    switch self {
    case .milligrams(let mg): return mg * 1000 / gramsPerMole
    case .micromoles(let umol): return umol
    }
  }

  /// The amount in mg, converting an amount of substance with the molecular weight (g/mol), so
  /// that mg = µmol × MW / 1000. A mass is returned unchanged.
  public func milligrams(molecularWeight gramsPerMole: Double) -> Double {
    switch self {
    case .milligrams(let mg): return mg
    case .micromoles(let umol): return umol * gramsPerMole / 1000
    }
  }

  /// `500 mg`, `1496 µmol`: readable and accepted by ``init(parsing:)``.
  public var description: String { "\(DoseQuantity.format(value)) \(unitSymbol)" }
}

/// An infusion rate: an amount (mg or µmol) per hour.
public struct DoseRate: Hashable, Sendable, CustomStringConvertible {
  /// The amount delivered in one hour (mg/h or µmol/h).
  public var perHour: DoseAmount

  public init(perHour: DoseAmount) {
    self.perHour = perHour
  }

  /// The constant rate that delivers `amount` in `hours`: amount ÷ hours (e.g. 750 mg over 6 h is
  /// 125 mg/h).
  public init(delivering amount: DoseAmount, overHours hours: Double) {
    perHour = amount.withValue(amount.value / hours)
  }

  /// Reads a rate `AMOUNT/TIME` such as `50mg/h`, `1 g/d`, `20 µmol/min` or `500 mg/12 h`
  /// (the time may carry a number; a bare unit means one of it).
  /// - Throws: ``DoseQuantityError`` naming the text and what was expected.
  public init(parsing text: String) throws(DoseQuantityError) {
    guard let slash = text.lastIndex(of: "/") else {
      throw DoseQuantityError(text, "expected AMOUNT/TIME, e.g. 50 mg/h")
    }
    let amountText = String(text[..<slash])
    let timeText = String(text[text.index(after: slash)...]).trimmingCharacters(in: .whitespaces)
    let amount: DoseAmount
    do { amount = try DoseAmount(parsing: amountText) } catch {
      throw DoseQuantityError(text, "amount \(error.description)")
    }
    // A bare unit after the slash ("mg/h") means one of that unit.
    let perText = timeText.first.map { $0.isNumber || $0 == "." } == true ? timeText : "1 " + timeText
    let hours: Double
    do { hours = try DoseQuantity.hours(parsing: perText, allowBareZero: false) } catch {
      throw DoseQuantityError(text, "time \(DoseQuantityError(timeText, error.message).description)")
    }
    guard hours > 0 else { throw DoseQuantityError(text, "time '\(timeText)' must be > 0") }
    self.init(delivering: amount, overHours: hours)
  }

  public var kind: DoseAmount.Kind { perHour.kind }

  /// `125 mg/h`.
  public var description: String { "\(DoseQuantity.format(perHour.value)) \(perHour.unitSymbol)/h" }
}

/// A quantity that could not be read: the text and what was wrong with it.
///
/// The layers that read flags and files wrap it in a ``ModelError`` that names the place.
public struct DoseQuantityError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The text as given.
  public var text: String
  /// What is wrong and what was expected.
  public var message: String

  public init(_ text: String, _ message: String) {
    self.text = text
    self.message = message
  }

  /// `'5 parsecs': unknown unit 'parsecs'; expected one of mg, g, µg, mmol, µmol, nmol`.
  public var description: String { "'\(text)': \(message)" }
}

/// Unit tables and the duration reader shared by the dosing parsers.
public enum DoseQuantity {
  /// How a unit maps a number to mg, µmol or h. Multiplying or dividing by an exact integer keeps
  /// results correctly rounded (90 s = 90 ÷ 3600 h is the double nearest 0.025, 250 µg is 0.25 mg
  /// exactly), which multiplying by a rounded reciprocal would not.
  enum Scale {
    case mass(times: Double = 1, dividedBy: Double = 1)
    case moles(times: Double = 1, dividedBy: Double = 1)
    case hours(times: Double = 1, dividedBy: Double = 1)

    func apply(to value: Double) -> DoseAmount {
      switch self {
      case .mass(let m, let d): return .milligrams(value * m / d)
      case .moles(let m, let d): return .micromoles(value * m / d)
      case .hours: preconditionFailure("a time unit is not an amount")
      }
    }

    func hours(_ value: Double) -> Double {
      guard case .hours(let m, let d) = self else { preconditionFailure("not a time unit") }
      return value * m / d
    }
  }

  /// Amount units: mass (to mg) and amount of substance (to µmol).
  static let amountUnits: [String: Scale] = [
    "mg": .mass(), "g": .mass(times: 1000), "µg": .mass(dividedBy: 1000),
    "μg": .mass(dividedBy: 1000), "ug": .mass(dividedBy: 1000),
    "mmol": .moles(times: 1000), "µmol": .moles(), "μmol": .moles(), "umol": .moles(),
    "nmol": .moles(dividedBy: 1000),
  ]
  /// The canonical amount units, as listed in error messages.
  public static let amountUnitList = "mg, g, µg, mmol, µmol, nmol"

  /// Time units, to hours.
  static let durationUnits: [String: Scale] = {
    var table: [String: Scale] = [:]
    for name in ["s", "sec", "second", "seconds"] { table[name] = .hours(dividedBy: 3600) }
    for name in ["min", "minute", "minutes"] { table[name] = .hours(dividedBy: 60) }
    for name in ["h", "hr", "hour", "hours"] { table[name] = .hours() }
    for name in ["d", "day", "days"] { table[name] = .hours(times: 24) }
    for name in ["w", "wk", "week", "weeks"] { table[name] = .hours(times: 168) }
    return table
  }()
  /// The canonical time units, as listed in error messages.
  public static let durationUnitList = "s, min, h, d, w"

  /// Reads a duration or a time such as `14d`, `6h`, `30 min`, `90 s` or `2w`, in hours.
  ///
  /// Units: `s`, `min`, `h`, `d` (24 h), `w` (168 h), with the long forms `sec`, `hr`, `hour(s)`,
  /// `day(s)`, `week(s)`, `minute(s)`, `second(s)`. There are no months (their length varies) and
  /// no `m` (minute or month?). A bare `0` needs no unit.
  /// - Returns: hours, finite and ≥ 0.
  /// - Throws: ``DoseQuantityError`` naming the text and what was expected.
  public static func hours(parsing text: String) throws(DoseQuantityError) -> Double {
    try hours(parsing: text, allowBareZero: true)
  }

  static func hours(parsing text: String, allowBareZero: Bool) throws(DoseQuantityError) -> Double {
    let (value, unit) = try split(text, units: durationUnitList)
    guard let unit else {
      if allowBareZero && value == 0 { return 0 }
      throw DoseQuantityError(text, "missing unit; expected one of \(durationUnitList)")
    }
    guard let scale = durationUnits[unit] else {
      throw DoseQuantityError(text, "unknown unit '\(unit)'; expected one of \(durationUnitList)")
    }
    return scale.hours(value)
  }

  /// Splits `NUMBER [UNIT]` into a finite value ≥ 0 and the unit (nil when absent). The number is
  /// decimal: digits, an optional fraction and an optional exponent (`1e3`, `2.5E-1`); no sign,
  /// no hexadecimal, no `inf` or `nan`.
  static func split(_ text: String, units: String) throws(DoseQuantityError) -> (Double, String?) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { throw DoseQuantityError(text, "empty; expected a number and a unit (\(units))") }
    let scalars = Array(trimmed.unicodeScalars)
    if scalars[0] == "-" { throw DoseQuantityError(text, "negative; expected a number ≥ 0") }
    var i = 0
    func digits() -> Int {
      let start = i
      while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1 }
      return i - start
    }
    if scalars[0] == "+" { i = 1 }
    var mantissaDigits = digits()
    if i < scalars.count, scalars[i] == "." {
      i += 1
      mantissaDigits += digits()
    }
    guard mantissaDigits > 0 else {
      throw DoseQuantityError(text, "expected a number followed by a unit (\(units)), e.g. 500 mg or 12 h")
    }
    // An exponent only when 'e' is followed by digits, so that a unit could start with 'e'.
    if i < scalars.count, scalars[i] == "e" || scalars[i] == "E" {
      let mark = i
      i += 1
      if i < scalars.count, scalars[i] == "+" || scalars[i] == "-" { i += 1 }
      if digits() == 0 { i = mark }
    }
    let numberText = String(String.UnicodeScalarView(scalars[0..<i]))
    guard let value = Double(numberText), value.isFinite else {
      throw DoseQuantityError(text, "'\(numberText)' is not a finite number")
    }
    let unit = String(String.UnicodeScalarView(scalars[i...])).trimmingCharacters(in: .whitespaces)
    return (value, unit.isEmpty ? nil : unit)
  }

  /// Shortest text that reads back to the same double: `500`, `0.025`, `1e-09`.
  static func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }
}
