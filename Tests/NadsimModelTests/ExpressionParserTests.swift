import Testing
import NadsimModel

@Suite("Expression parser")
struct ExpressionParserTests {
  let a = Expression.symbol("a"), b = Expression.symbol("b"), c = Expression.symbol("c")
  let x = Expression.symbol("x")

  @Test("* binds tighter than +, and + and - associate to the left")
  func precedenceAndLeftAssociativity() throws {
    #expect(try ExpressionParser.parse("a + b * c") == .binary(.add, a, .binary(.multiply, b, c)))
    #expect(try ExpressionParser.parse("a * b + c") == .binary(.add, .binary(.multiply, a, b), c))
    #expect(try ExpressionParser.parse("a - b - c") == .binary(.subtract, .binary(.subtract, a, b), c))
    #expect(try ExpressionParser.parse("a / b / c") == .binary(.divide, .binary(.divide, a, b), c))
    #expect(try ExpressionParser.parse("(a + b) * c") == .binary(.multiply, .binary(.add, a, b), c))
  }

  @Test("^ and ** associate to the right: 2^3^2 = 2^9 = 512")
  func powerIsRightAssociative() throws {
    let e = try ExpressionParser.parse("2 ^ 3 ^ 2")
    #expect(e == .binary(.power, .number(2), .binary(.power, .number(3), .number(2))))
    #expect(e.value([:]) == 512)
    #expect(try ExpressionParser.parse("a ** b ** c") == .binary(.power, a, .binary(.power, b, c)))
    #expect(try ExpressionParser.parse("x**2") == .binary(.power, x, .number(2)))
  }

  @Test("unary minus binds looser than ^ on its left: -x^2 = -(x^2), -2^2 = -4, x^-2 = x^(-2)")
  func unaryMinusAndPower() throws {
    #expect(try ExpressionParser.parse("-x^2") == .negate(.binary(.power, x, .number(2))))
    let minusTwoSquared = try ExpressionParser.parse("-2^2")
    #expect(minusTwoSquared == .negate(.binary(.power, .number(2), .number(2))))
    #expect(minusTwoSquared.value([:]) == -4)
    #expect(try ExpressionParser.parse("x^-2") == .binary(.power, x, .number(-2)))
    #expect(try ExpressionParser.parse("x^-a") == .binary(.power, x, .negate(a)))
    #expect(try ExpressionParser.parse("-2 * x") == .binary(.multiply, .number(-2), x))
    #expect(try ExpressionParser.parse("a * -b") == .binary(.multiply, a, .negate(b)))
    #expect(try ExpressionParser.parse("- -a") == .negate(.negate(a)))
    #expect(try ExpressionParser.parse("+a") == a)
    #expect(try ExpressionParser.parse("(-2)^2").value([:]) == 4)
  }

  @Test("number literals, including scientific notation")
  func numbers() throws {
    #expect(try ExpressionParser.parse("1e-3") == .number(0.001))
    #expect(try ExpressionParser.parse("2.5E+4") == .number(25000))
    #expect(try ExpressionParser.parse("6.02e23") == .number(6.02e23))
    #expect(try ExpressionParser.parse(".5") == .number(0.5))
    #expect(try ExpressionParser.parse("3.") == .number(3))
    #expect(try ExpressionParser.parse("0.1") == .number(0.1))
    #expect(try ExpressionParser.parse("1e999") == .number(.infinity))
  }

  @Test("a Michaelis–Menten rate with a decay term and a switch reads as written")
  func rateLaw() throws {
    let e = try ExpressionParser.parse("kcat * E * S / (Km + S) - k2*y^2 + piecewise(1, t < 5, 0)")
    let (kcat, E, S, Km, k2, y, t) = (Expression.symbol("kcat"), Expression.symbol("E"), Expression.symbol("S"),
                                      Expression.symbol("Km"), Expression.symbol("k2"), Expression.symbol("y"),
                                      Expression.symbol("t"))
    let rate = Expression.binary(.divide, .binary(.multiply, .binary(.multiply, kcat, E), S), .binary(.add, Km, S))
    let decay = Expression.binary(.multiply, k2, .binary(.power, y, .number(2)))
    let pulse = Expression.piecewise([.init(value: .number(1), condition: .comparison(.less, t, .number(5)))],
                                     otherwise: .number(0))
    #expect(e == .binary(.add, .binary(.subtract, rate, decay), pulse))
    #expect(e.symbols == ["kcat", "E", "S", "Km", "k2", "y", "t"])
  }

  @Test("comparisons bind tighter than &&, which binds tighter than ||; ! is unary")
  func logic() throws {
    let d = Expression.symbol("d"), e = Expression.symbol("e")
    #expect(try ExpressionParser.parse("a < b && c >= d || !e")
      == .logical(.or, .logical(.and, .comparison(.less, a, b), .comparison(.greaterOrEqual, c, d)), .not(e)))
    #expect(try ExpressionParser.parse("a + 1 == b * 2")
      == .comparison(.equal, .binary(.add, a, .number(1)), .binary(.multiply, b, .number(2))))
    #expect(try ExpressionParser.parse("a != b") == .comparison(.notEqual, a, b))
    #expect(try ExpressionParser.parse("a <= b || a > c")
      == .logical(.or, .comparison(.lessOrEqual, a, b), .comparison(.greater, a, c)))
  }

  @Test("function calls, n-ary min and max, and names that are also function names")
  func calls() throws {
    #expect(try ExpressionParser.parse("min(a, b, c)") == .call(.min, [a, b, c]))
    #expect(try ExpressionParser.parse("max(a,b)") == .call(.max, [a, b]))
    #expect(try ExpressionParser.parse("pow(a, 2)") == .call(.pow, [a, .number(2)]))
    #expect(try ExpressionParser.parse("log10(exp(a))") == .call(.log10, [.call(.exp, [a])]))
    #expect(try ExpressionParser.parse("exp + 1") == .binary(.add, .symbol("exp"), .number(1)))
    #expect(try ExpressionParser.parse("abs(x) + sqrt(x) + log(x)")
      == .binary(.add, .binary(.add, .call(.abs, [x]), .call(.sqrt, [x])), .call(.log, [x])))
    #expect(try ExpressionParser.parse("piecewise(a, x < 0, b, x < 1, c)")
      == .piecewise([.init(value: a, condition: .comparison(.less, x, .number(0))),
                     .init(value: b, condition: .comparison(.less, x, .number(1)))], otherwise: c))
  }

  @Test("errors carry the column and say what was expected", arguments: [
    ("exp(a + b * c", 14, "expected ')'"),
    ("kcat * E * S / (Km + S", 23, "expected ')'"),
    ("a + * b", 5, "expected a number, a name or '(', found '*'"),
    ("", 1, "expected a number, a name or '(', found the end of the formula"),
    ("a +", 4, "expected a number, a name or '(', found the end of the formula"),
    ("2 * foo(x)", 5, "unknown function 'foo'"),
    ("exp(1, 2)", 1, "exp takes 1 argument, got 2"),
    ("1 + pow(x)", 5, "pow takes 2 arguments, got 1"),
    ("min(x)", 1, "min takes at least 2 arguments, got 1"),
    ("max()", 1, "max takes at least 2 arguments, got 0"),
    ("piecewise(1, x)", 1,
     "piecewise takes value, condition pairs and then an otherwise value (an odd number of at least 3 arguments), got 2"),
    ("a < b < c", 7, "comparisons do not chain; join them with '&&'"),
    ("a b", 3, "expected an operator, found 'b'"),
    ("(a))", 4, "unexpected ')' without a matching '('"),
    ("1e+ 3", 4, "expected digits in the exponent of a number"),
    ("2x", 2, "unexpected 'x' after a number"),
    ("a = b", 3, "unexpected '='; compare with '=='"),
    ("a & b", 3, "expected '&&'"),
    ("a | b", 3, "expected '||'"),
    ("a # b", 3, "unexpected character '#'"),
    ("f(a, )", 1, "unknown function 'f'"),
    ("exp(a, )", 8, "expected a number, a name or '(', found ')'"),
  ])
  func errors(text: String, column: Int, message: String) {
    #expect(throws: ExpressionParseError(message, column: column)) { try ExpressionParser.parse(text) }
  }

  @Test("the error text ends with the column; as a model error it points into the file")
  func errorPlacement() {
    let error = ExpressionParseError("expected ')'", column: 14)
    #expect(error.description == "expected ')' at column 14")
    let placed = error.modelError(formulaStart: SourceLocation(file: "m.yaml", line: 7, column: 11), name: "v1")
    #expect(placed.description == "m.yaml:7:24: 'v1': expected ')'")
  }
}
