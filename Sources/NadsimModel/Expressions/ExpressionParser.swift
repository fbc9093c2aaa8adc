/// Reads formula text into an ``Expression`` by precedence climbing.
///
/// Precedence, loosest first (all binary operators associate to the left except `^`):
///
/// | level | operators | notes |
/// |---|---|---|
/// | 1 | `\|\|` | |
/// | 2 | `&&` | |
/// | 3 | `<` `<=` `>` `>=` `==` `!=` | do not chain: `a < b < c` is an error |
/// | 4 | `+` `-` | |
/// | 5 | `*` `/` | |
/// | 6 | unary `-` `+` `!` | |
/// | 7 | `^` or `**` | right-associative; binds tighter than unary minus on its left, so `-x^2` is −(x²), while `x^-2` is x⁻² |
///
/// Operands are numbers (`3`, `0.5`, `.5`, `1e-3`, `2.5E+4`), names `[A-Za-z_][A-Za-z0-9_]*`
/// (`t` is an ordinary name), parenthesised formulas, and calls of the functions in
/// ``Expression/Function`` or `piecewise(value1, condition1, ..., otherwise)`. A name followed by
/// `(` is a call; otherwise it is a symbol, so a parameter may be called `exp`.
///
/// A minus sign directly before a number literal makes a negative ``Expression/number(_:)``
/// (`-2 * x` holds the number −2), except when the literal is the base of a power: `-2^2` is
/// −(2²) = −4.
public enum ExpressionParser {
  /// Parses one formula.
  /// - Throws: ``ExpressionParseError`` with the 1-based column of the problem and what was
  ///   expected there.
  public static func parse(_ text: String) throws(ExpressionParseError) -> Expression {
    var parser = Parser(tokens: try ExpressionTokenizer.tokens(of: text))
    let expression = try parser.parseOr()
    let token = parser.current
    switch token.kind {
    case .end: return expression
    case .punctuation(")"): throw ExpressionParseError("unexpected ')' without a matching '('", column: token.column)
    default: throw ExpressionParseError("expected an operator, found \(token.quoted)", column: token.column)
    }
  }
}

/// The recursive-descent state: the token list and the position in it.
private struct Parser {
  let tokens: [ExpressionToken]
  var position = 0

  var current: ExpressionToken { tokens[position] }
  var next: ExpressionToken { tokens[min(position + 1, tokens.count - 1)] }

  mutating func advance() { if position < tokens.count - 1 { position += 1 } }

  /// Consumes the current token when it is the punctuation `text`.
  mutating func accept(_ text: String) -> Bool {
    guard current.isPunctuation(text) else { return false }
    advance()
    return true
  }

  mutating func expect(_ text: String) throws(ExpressionParseError) {
    guard accept(text) else { throw ExpressionParseError("expected '\(text)'", column: current.column) }
  }

  mutating func parseOr() throws(ExpressionParseError) -> Expression {
    var left = try parseAnd()
    while accept("||") { left = .logical(.or, left, try parseAnd()) }
    return left
  }

  mutating func parseAnd() throws(ExpressionParseError) -> Expression {
    var left = try parseComparison()
    while accept("&&") { left = .logical(.and, left, try parseComparison()) }
    return left
  }

  mutating func comparisonOperator() -> Expression.ComparisonOperator? {
    guard case .punctuation(let text) = current.kind else { return nil }
    return Expression.ComparisonOperator(rawValue: text)
  }

  mutating func parseComparison() throws(ExpressionParseError) -> Expression {
    let left = try parseAdditive()
    guard let op = comparisonOperator() else { return left }
    advance()
    let right = try parseAdditive()
    if comparisonOperator() != nil {
      throw ExpressionParseError("comparisons do not chain; join them with '&&'", column: current.column)
    }
    return .comparison(op, left, right)
  }

  mutating func parseAdditive() throws(ExpressionParseError) -> Expression {
    var left = try parseMultiplicative()
    while true {
      if accept("+") {
        left = .binary(.add, left, try parseMultiplicative())
      } else if accept("-") {
        left = .binary(.subtract, left, try parseMultiplicative())
      } else {
        return left
      }
    }
  }

  mutating func parseMultiplicative() throws(ExpressionParseError) -> Expression {
    var left = try parseUnary()
    while true {
      if accept("*") {
        left = .binary(.multiply, left, try parseUnary())
      } else if accept("/") {
        left = .binary(.divide, left, try parseUnary())
      } else {
        return left
      }
    }
  }

  mutating func parseUnary() throws(ExpressionParseError) -> Expression {
    if accept("-") {
      // A literal right after the sign is a negative number, unless it is the base of a power.
      if case .number(let value) = current.kind, !next.isPunctuation("^"), !next.isPunctuation("**") {
        advance()
        return .number(-value)
      }
      return .negate(try parseUnary())
    }
    if accept("+") { return try parseUnary() }
    if accept("!") { return .not(try parseUnary()) }
    return try parsePower()
  }

  mutating func parsePower() throws(ExpressionParseError) -> Expression {
    let base = try parsePrimary()
    if accept("^") || accept("**") {
      return .binary(.power, base, try parseUnary())
    }
    return base
  }

  mutating func parsePrimary() throws(ExpressionParseError) -> Expression {
    let token = current
    switch token.kind {
    case .number(let value):
      advance()
      return .number(value)
    case .identifier(let name):
      advance()
      guard accept("(") else { return .symbol(name) }
      return try parseCall(name, column: token.column)
    case .punctuation("("):
      advance()
      let inner = try parseOr()
      try expect(")")
      return inner
    default:
      throw ExpressionParseError("expected a number, a name or '(', found \(token.quoted)", column: token.column)
    }
  }

  /// The arguments after `name(`, checked against the function's argument count.
  mutating func parseCall(_ name: String, column: Int) throws(ExpressionParseError) -> Expression {
    let function = Expression.Function(rawValue: name)
    if function == nil && name != "piecewise" {
      throw ExpressionParseError("unknown function '\(name)'", column: column)
    }
    var arguments: [Expression] = []
    if !current.isPunctuation(")") {
      repeat { arguments.append(try parseOr()) } while accept(",")
    }
    try expect(")")
    guard let function else { return try piecewise(arguments, column: column) }
    guard function.accepts(argumentCount: arguments.count) else {
      let (count, atLeast) = function.arity
      let noun = count == 1 ? "argument" : "arguments"
      throw ExpressionParseError(
        "\(name) takes \(atLeast ? "at least " : "")\(count) \(noun), got \(arguments.count)", column: column)
    }
    return .call(function, arguments)
  }

  func piecewise(_ arguments: [Expression], column: Int) throws(ExpressionParseError) -> Expression {
    guard arguments.count >= 3, arguments.count % 2 == 1 else {
      throw ExpressionParseError(
        "piecewise takes value, condition pairs and then an otherwise value (an odd number of at least 3 arguments), got \(arguments.count)",
        column: column)
    }
    var pieces: [Expression.Piece] = []
    for k in stride(from: 0, to: arguments.count - 1, by: 2) {
      pieces.append(Expression.Piece(value: arguments[k], condition: arguments[k + 1]))
    }
    return .piecewise(pieces, otherwise: arguments[arguments.count - 1])
  }
}
