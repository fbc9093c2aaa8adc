/// An ``Expression`` as MathML content markup in the subset that SBML Level 3 Version 2 core
/// allows, computing the same number as ``Expression/value(_:)`` does.
///
/// The mapping:
/// - numbers: `<cn type="integer">` for integers below 10¹⁵, `<cn>` for other decimals,
///   `<cn type="e-notation">m<sep/>e</cn>` where Swift's shortest round-trip spelling has an
///   exponent (the digits read back to the same double); `<infinity/>`, `<notanumber/>`;
/// - `t` → the SBML time `csymbol`; every other name → `<ci>`;
/// - `+ - * / ^` → binary `plus`, `minus`, `times`, `divide`, `power` (never merged into n-ary
///   applications, so a reader evaluates in nadsim's order and rounds the same way); −a → unary
///   `minus`;
/// - `exp` → `exp`, `log` → `ln`, `log10` → `log` with an explicit `logbase` 10, `sqrt` → `root`
///   (degree 2 by default), `abs` → `abs`, `pow` → `power`, `min`/`max` → the n-ary `min`/`max`
///   that Level 3 Version 2 added to the MathML subset;
/// - comparisons → `lt leq gt geq eq neq`; `&&`, `||`, `!` → `and`, `or`, `not`.
///
/// **Booleans and numbers.** nadsim lets a condition be used as a number (1 or 0) and a number as
/// a condition (true unless 0); MathML keeps the two apart. A condition in a numeric place becomes
/// `piecewise(1 if condition, otherwise 0)`, and a number in a condition's place becomes
/// `neq(number, 0)` (true for NaN, as in nadsim).
///
/// **Piecewise.** nadsim takes the first piece whose condition holds. So that no reader can pick
/// another piece when conditions overlap, piece k (k ≥ 2) is written with the condition
/// `and(not c₁, …, not cₖ₋₁, cₖ)`, which makes the pieces mutually exclusive with the same result.
public enum MathML {
  /// The MathML namespace, for the `<math>` element.
  public static let namespace = "http://www.w3.org/1998/Math/MathML"
  /// The `definitionURL` of SBML's simulation-time symbol.
  public static let timeSymbolURL = "http://www.sbml.org/sbml/symbols/time"

  /// The expression's content markup on one line, without the enclosing `<math>` element:
  /// `k1 * y1` → `<apply><times/><ci>k1</ci><ci>y1</ci></apply>`.
  public static func markup(_ expression: Expression) -> String {
    numeric(expression).compact
  }

  /// The expression as a complete `<math>` element (with its namespace), on one line.
  public static func math(_ expression: Expression) -> String {
    element(expression).compact
  }

  /// The `<math>` element as a tree, for the SBML writer.
  static func element(_ expression: Expression) -> MarkupElement {
    MarkupElement("math", [("xmlns", namespace)], children: [numeric(expression)])
  }

  // MARK: - Numeric and boolean contexts

  /// Whether the expression's value is a truth value (a comparison or a logical operation).
  private static func isCondition(_ e: Expression) -> Bool {
    switch e {
    case .comparison, .logical, .not: return true
    default: return false
    }
  }

  /// Markup for a place that expects a number.
  static func numeric(_ e: Expression) -> MarkupElement {
    if isCondition(e) {
      return MarkupElement("piecewise", children: [
        MarkupElement("piece", children: [integer(1), boolean(e)]),
        MarkupElement("otherwise", children: [integer(0)]),
      ])
    }
    switch e {
    case .number(let value):
      return number(value)
    case .symbol(let name):
      if name == "t" {
        return MarkupElement("csymbol", [("encoding", "text"), ("definitionURL", timeSymbolURL)], text: "t")
      }
      return MarkupElement("ci", text: name)
    case .negate(let a):
      return apply("minus", [numeric(a)])
    case .binary(let op, let a, let b):
      let name: String
      switch op {
      case .add: name = "plus"
      case .subtract: name = "minus"
      case .multiply: name = "times"
      case .divide: name = "divide"
      case .power: name = "power"
      }
      return apply(name, [numeric(a), numeric(b)])
    case .call(let function, let arguments):
      let operands = arguments.map(numeric)
      switch function {
      case .exp: return apply("exp", operands)
      case .log: return apply("ln", operands)
      case .log10:
        return apply("log", [MarkupElement("logbase", children: [integer(10)])] + operands)
      case .sqrt: return apply("root", operands)
      case .abs: return apply("abs", operands)
      case .pow: return apply("power", operands)
      case .min: return apply("min", operands)
      case .max: return apply("max", operands)
      }
    case .piecewise(let pieces, let otherwise):
      var children: [MarkupElement] = []
      var earlier: [MarkupElement] = []
      for piece in pieces {
        let condition = boolean(piece.condition)
        let exclusive = earlier.isEmpty
          ? condition
          : apply("and", earlier.map { apply("not", [$0]) } + [condition])
        children.append(MarkupElement("piece", children: [numeric(piece.value), exclusive]))
        earlier.append(condition)
      }
      children.append(MarkupElement("otherwise", children: [numeric(otherwise)]))
      return MarkupElement("piecewise", children: children)
    case .comparison, .logical, .not:
      preconditionFailure("conditions are handled above")
    }
  }

  /// Markup for a place that expects a truth value.
  static func boolean(_ e: Expression) -> MarkupElement {
    switch e {
    case .comparison(let op, let a, let b):
      let name: String
      switch op {
      case .less: name = "lt"
      case .lessOrEqual: name = "leq"
      case .greater: name = "gt"
      case .greaterOrEqual: name = "geq"
      case .equal: name = "eq"
      case .notEqual: name = "neq"
      }
      return apply(name, [numeric(a), numeric(b)])
    case .logical(let op, let a, let b):
      return apply(op == .and ? "and" : "or", [boolean(a), boolean(b)])
    case .not(let a):
      return apply("not", [boolean(a)])
    default:
      return apply("neq", [numeric(e), integer(0)])
    }
  }

  // MARK: - Pieces

  private static func apply(_ operator: String, _ operands: [MarkupElement]) -> MarkupElement {
    MarkupElement("apply", children: [MarkupElement(`operator`)] + operands)
  }

  private static func integer(_ value: Int) -> MarkupElement {
    MarkupElement("cn", [("type", "integer")], text: String(value))
  }

  /// A literal: integer, decimal or e-notation, each spelled so that it reads back as `value`.
  static func number(_ value: Double) -> MarkupElement {
    if value.isNaN { return MarkupElement("notanumber") }
    if value.isInfinite {
      let infinity = MarkupElement("infinity")
      return value < 0 ? apply("minus", [infinity]) : infinity
    }
    if value == value.rounded(), abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
      return MarkupElement("cn", [("type", "integer")], text: String(Int64(value)))
    }
    let spelling = value.description
    if let e = spelling.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      let mantissa = String(spelling[..<e])
      let exponent = Int(spelling[spelling.index(after: e)...].drop { $0 == "+" }) ?? 0
      // MathML's one case of mixed content; the parts hold only digits, '.', '-'.
      return MarkupElement("cn", [("type", "e-notation")], raw: "\(mantissa)<sep/>\(exponent)")
    }
    return MarkupElement("cn", text: spelling)
  }
}
