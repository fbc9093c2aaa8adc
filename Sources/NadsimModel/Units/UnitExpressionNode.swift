/// The shape of an expression as far as units are concerned: the minimal interface between the
/// expression parser (which builds its own tree) and ``UnitInference``.
///
/// The expression layer converts its tree into this one (or builds it directly); nothing here
/// depends on how expressions are parsed or evaluated.
public indirect enum UnitExpressionNode: Equatable, Sendable, CustomStringConvertible {
  /// A literal number, such as the 1 in `1 + S/Ki`. See ``UnitInference`` for the literal rule.
  case number(Double)
  /// A species, parameter, compartment, time or other named quantity.
  case symbol(String)
  case negate(UnitExpressionNode)
  case add(UnitExpressionNode, UnitExpressionNode)
  case subtract(UnitExpressionNode, UnitExpressionNode)
  case multiply(UnitExpressionNode, UnitExpressionNode)
  case divide(UnitExpressionNode, UnitExpressionNode)
  /// `base ^ exponent`; `exponent` is the exponent's value when it is a constant, nil otherwise.
  case power(UnitExpressionNode, exponent: Double?)
  /// A call such as `exp(x)`, `max(a, b)`; rules per name in ``UnitFunctionRule``.
  case function(String, [UnitExpressionNode])
  /// Any comparison (<, ≤, ==, ...): both sides need the same unit; the result is a truth value.
  case compare(UnitExpressionNode, UnitExpressionNode)
  /// `values[i]` where `conditions[i]` holds; a last value without a condition is the otherwise
  /// branch (so `values.count` is `conditions.count` or one more).
  case piecewise(values: [UnitExpressionNode], conditions: [UnitExpressionNode])

  /// Infix text for messages: `Vmax * S / (Km + S)`, `exp(-k * t)`, `S^2`. A non-constant
  /// exponent prints as `^(…)` because this tree does not carry it.
  public var description: String { text(context: 0) }

  private var precedence: Int {
    switch self {
    case .compare: return 0
    case .add, .subtract: return 1
    case .multiply, .divide: return 2
    case .negate: return 3
    case .power: return 4
    case .number(let x): return x < 0 ? 3 : 5
    case .symbol, .function, .piecewise: return 5
    }
  }

  /// The text, in parentheses when this node binds less tightly than `context` requires.
  private func text(context: Int) -> String {
    let body: String
    switch self {
    case .number(let x): body = UnitExpressionNode.format(x)
    case .symbol(let name): body = name
    case .negate(let a): body = "-" + a.text(context: 4)
    case .add(let a, let b): body = a.text(context: 1) + " + " + b.text(context: 2)
    case .subtract(let a, let b): body = a.text(context: 1) + " - " + b.text(context: 2)
    case .multiply(let a, let b): body = a.text(context: 2) + " * " + b.text(context: 3)
    case .divide(let a, let b): body = a.text(context: 2) + " / " + b.text(context: 3)
    case .power(let a, let e):
      body =
        a.text(context: 5) + "^"
        + (e.map { $0 < 0 ? "(\(UnitExpressionNode.format($0)))" : UnitExpressionNode.format($0) }
          ?? "(…)")
    case .function(let name, let args):
      body = name + "(" + args.map { $0.text(context: 0) }.joined(separator: ", ") + ")"
    case .compare(let a, let b):
      body = "compare(" + a.text(context: 0) + ", " + b.text(context: 0) + ")"
    case .piecewise(let values, let conditions):
      var parts: [String] = []
      for (i, v) in values.enumerated() {
        parts.append(v.text(context: 0))
        if i < conditions.count { parts.append(conditions[i].text(context: 0)) }
      }
      body = "piecewise(" + parts.joined(separator: ", ") + ")"
    }
    return precedence < context ? "(" + body + ")" : body
  }

  /// Whole numbers without a decimal point ("1", not "1.0").
  static func format(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
  }
}
