/// Writing an expression back as formula text that ``ExpressionParser`` reads as the same tree.
///
/// Parentheses appear only where precedence or associativity needs them. Numbers use Swift's
/// shortest round-trip spelling (`0.1`, `1e-05`, integers below 10¹⁵ without `.0`); +∞ is written `1e999` (a literal that overflows
/// to +∞), and NaN, which has no literal, as `(0 / 0)` (NaN is never equal to itself, so it
/// cannot round-trip by `==` anyway). A negated literal prints as `-(2)`, because `-2` reads as
/// the number −2. Symbols print as they are; names that are not identifiers do not round-trip.
extension Expression: CustomStringConvertible {
  public var description: String {
    var text = ""
    write(to: &text)
    return text
  }

  /// Binding strength of the node as printed (see the table in ``ExpressionParser``); 8 is an
  /// atom that never needs parentheses.
  private var precedence: Int {
    switch self {
    case .number(let value):
      return !value.isNaN && value.sign == .minus ? 6 : 8
    case .symbol, .call, .piecewise: return 8
    case .negate, .not: return 6
    case .binary(let op, _, _):
      switch op {
      case .add, .subtract: return 4
      case .multiply, .divide: return 5
      case .power: return 7
      }
    case .comparison: return 3
    case .logical(let op, _, _): return op == .and ? 2 : 1
    }
  }

  private func write(to text: inout String) {
    switch self {
    case .number(let value):
      text += Self.spelling(of: value)
    case .symbol(let name):
      text += name
    case .negate(let a):
      text += "-"
      let needsParentheses: Bool
      switch a {
      case .number, .negate: needsParentheses = true
      default: needsParentheses = a.precedence < 6
      }
      a.write(to: &text, parenthesised: needsParentheses)
    case .not(let a):
      text += "!"
      a.write(to: &text, atLeast: 6)
    case .binary(let op, let a, let b):
      let level = precedence
      if op == .power {
        a.write(to: &text, atLeast: 8)
        text += "^"
        b.write(to: &text, atLeast: 6)
      } else {
        a.write(to: &text, atLeast: level)
        text += " \(op.symbol) "
        b.write(to: &text, atLeast: level + 1)
      }
    case .comparison(let op, let a, let b):
      a.write(to: &text, atLeast: 4)
      text += " \(op.symbol) "
      b.write(to: &text, atLeast: 4)
    case .logical(let op, let a, let b):
      let level = precedence
      a.write(to: &text, atLeast: level)
      text += " \(op.symbol) "
      b.write(to: &text, atLeast: level + 1)
    case .call(let function, let arguments):
      Self.writeCall(function.name, arguments, to: &text)
    case .piecewise:
      Self.writeCall("piecewise", children, to: &text)
    }
  }

  private func write(to text: inout String, atLeast level: Int) {
    write(to: &text, parenthesised: precedence < level)
  }

  private func write(to text: inout String, parenthesised: Bool) {
    if parenthesised { text += "(" }
    write(to: &text)
    if parenthesised { text += ")" }
  }

  private static func writeCall(_ name: String, _ arguments: [Expression], to text: inout String) {
    text += name
    text += "("
    for (k, argument) in arguments.enumerated() {
      if k > 0 { text += ", " }
      argument.write(to: &text)
    }
    text += ")"
  }

  /// How a number is written: Swift's shortest round-trip digits, with the non-finite values
  /// spelled so that the parser reads them back.
  static func spelling(of value: Double) -> String {
    if value.isNaN { return "(0 / 0)" }
    if value.isInfinite { return value < 0 ? "-1e999" : "1e999" }
    if value == value.rounded(), abs(value) < 1e15, value != 0 || value.sign == .plus {
      return String(Int64(value))
    }
    return value.description
  }
}
