/// A formula from a model file (a rate law, an assignment rule, an event trigger...), as a tree.
///
/// Expressions are values: two trees are equal when they have the same shape, operators, names and
/// numbers (numbers compare with `==`, so `0.0` equals `-0.0` and a `nan` never equals itself).
/// Conditions are ordinary expressions whose value is 1 (true) or 0 (false); any value other than
/// 0 counts as true where a condition is expected (NaN included).
///
/// Text form: ``ExpressionParser/parse(_:)`` reads it, ``description`` writes it back so that
/// `parse(e.description) == e` for every expression whose symbols are identifiers and whose numbers
/// are not NaN. The meaning of each operation on `Double` is fixed in one place,
/// ``ScalarSemantics``, which the tree evaluator, the simplifier, the compiled program and the
/// generated C code all follow.
public indirect enum Expression: Hashable, Sendable {
  /// A literal number.
  case number(Double)
  /// A name: a state, a parameter, `t`... Resolved by whoever evaluates or compiles the expression.
  case symbol(String)
  /// −a.
  case negate(Expression)
  /// a + b, a − b, a × b, a ÷ b or a ^ b.
  case binary(BinaryOperator, Expression, Expression)
  /// A built-in function applied to its arguments (the count is checked by the parser; see
  /// ``Function/arity``).
  case call(Function, [Expression])
  /// a < b, a ≤ b, a > b, a ≥ b, a = b or a ≠ b: 1 when it holds, else 0.
  case comparison(ComparisonOperator, Expression, Expression)
  /// a and b, a or b: 1 or 0, where an operand other than 0 counts as true.
  case logical(LogicalOperator, Expression, Expression)
  /// not a: 1 when a is 0, else 0.
  case not(Expression)
  /// The value of the first piece whose condition holds, else `otherwise` (SBML `piecewise`).
  case piecewise([Piece], otherwise: Expression)

  /// One branch of a ``piecewise(_:otherwise:)``: `value` applies where `condition` is true.
  public struct Piece: Hashable, Sendable {
    public var value: Expression
    public var condition: Expression

    public init(value: Expression, condition: Expression) {
      self.value = value
      self.condition = condition
    }
  }
}

// MARK: - API

extension Expression {
  /// Every name the expression uses (function names are not symbols).
  public var symbols: Set<String> {
    var names = Set<String>()
    collectSymbols(into: &names)
    return names
  }

  /// The expression with each symbol that has an entry in `replacements` replaced by that entry.
  /// Replacement is simultaneous: names inside the replacements are not replaced again.
  public func substituting(_ replacements: [String: Expression]) -> Expression {
    if replacements.isEmpty { return self }
    return mapSymbols { replacements[$0] }
  }

  /// The direct subexpressions, in reading order.
  public var children: [Expression] {
    switch self {
    case .number, .symbol: return []
    case .negate(let a), .not(let a): return [a]
    case .binary(_, let a, let b), .comparison(_, let a, let b), .logical(_, let a, let b): return [a, b]
    case .call(_, let arguments): return arguments
    case .piecewise(let pieces, let otherwise):
      return pieces.flatMap { [$0.value, $0.condition] } + [otherwise]
    }
  }

  /// The number, when the expression is a literal number.
  public var numberValue: Double? {
    if case .number(let value) = self { return value }
    return nil
  }

  private func collectSymbols(into names: inout Set<String>) {
    if case .symbol(let name) = self {
      names.insert(name)
      return
    }
    for child in children { child.collectSymbols(into: &names) }
  }

  /// The expression with symbols replaced where `replacement` returns a value.
  func mapSymbols(_ replacement: (String) -> Expression?) -> Expression {
    switch self {
    case .number: return self
    case .symbol(let name): return replacement(name) ?? self
    case .negate(let a): return .negate(a.mapSymbols(replacement))
    case .not(let a): return .not(a.mapSymbols(replacement))
    case .binary(let op, let a, let b):
      return .binary(op, a.mapSymbols(replacement), b.mapSymbols(replacement))
    case .comparison(let op, let a, let b):
      return .comparison(op, a.mapSymbols(replacement), b.mapSymbols(replacement))
    case .logical(let op, let a, let b):
      return .logical(op, a.mapSymbols(replacement), b.mapSymbols(replacement))
    case .call(let function, let arguments):
      return .call(function, arguments.map { $0.mapSymbols(replacement) })
    case .piecewise(let pieces, let otherwise):
      return .piecewise(
        pieces.map { Piece(value: $0.value.mapSymbols(replacement), condition: $0.condition.mapSymbols(replacement)) },
        otherwise: otherwise.mapSymbols(replacement))
    }
  }
}
