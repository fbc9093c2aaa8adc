import Testing
import NadsimModel

@Suite("Expression text form")
struct ExpressionDescriptionTests {
  @Test("parentheses appear only where needed", arguments: [
    ("a + b * c", "a + b * c"),
    ("(a + b) * c", "(a + b) * c"),
    ("a - (b - c)", "a - (b - c)"),
    ("a - b - c", "a - b - c"),
    ("a / (b * c)", "a / (b * c)"),
    ("(a^b)^c", "(a^b)^c"),
    ("a^b^c", "a^b^c"),
    ("-x^2", "-x^2"),
    ("(-x)^2", "(-x)^2"),
    ("x ** -2", "x^-2"),
    ("-(2)", "-(2)"),
    ("-2", "-2"),
    ("(-2)^x", "(-2)^x"),
    ("- -a", "-(-a)"),
    ("!(a < b) || c && d", "!(a < b) || c && d"),
    ("(a || b) && c", "(a || b) && c"),
    ("min(a, b + 1, 3)", "min(a, b + 1, 3)"),
    ("piecewise(1, t < 5, 0)", "piecewise(1, t < 5, 0)"),
    ("1e-5 * 2.5E+20 + 0.5 - 0", "1e-05 * 2.5e+20 + 0.5 - 0"),
    ("-0.0 + 3e16", "-0.0 + 3e+16"),
    ("2 * 999999999999999", "2 * 999999999999999"),
  ])
  func minimalParentheses(text: String, expected: String) {
    #expect(parsed(text).description == expected)
  }

  @Test("trees that the parser cannot produce directly still print so that they read back")
  func builtTrees() throws {
    let trees: [Expression] = [
      .negate(.number(2)),
      .negate(.number(-2)),
      .binary(.subtract, .symbol("a"), .number(-2)),
      .binary(.power, .number(-2), .number(-2)),
      .binary(.power, .symbol("x"), .binary(.power, .number(-2), .symbol("y"))),
      .number(.infinity),
      .number(-.infinity),
      .binary(.add, .symbol("a"), .binary(.add, .symbol("b"), .symbol("c"))),
      .not(.number(-1)),
      .symbol("exp"),
    ]
    for tree in trees {
      #expect(try ExpressionParser.parse(tree.description) == tree, "\(tree)")
    }
  }

  @Test("every random expression reads back as the same tree")
  func randomRoundTrip() throws {
    var generator = RandomExpressions(seed: 42, symbols: ["x", "y", "k_1", "Km", "t", "exp"])
    for _ in 0..<2000 {
      let tree = generator.any(depth: 5)
      #expect(try ExpressionParser.parse(tree.description) == tree, "\(tree)")
    }
  }

  @Test("symbols and substitution")
  func symbolsAndSubstitution() {
    let e = parsed("k * x + exp(y) - piecewise(x, t < 1, z)")
    #expect(e.symbols == ["k", "x", "y", "t", "z"])
    let replaced = e.substituting(["x": parsed("y + 1"), "y": .symbol("x")])
    #expect(replaced == parsed("k * (y + 1) + exp(x) - piecewise(y + 1, t < 1, z)"))
  }
}
