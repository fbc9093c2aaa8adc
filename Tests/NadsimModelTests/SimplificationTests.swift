import Testing
import NadsimModel

@Suite("Simplification")
struct SimplificationTests {
  @Test("identities, folding and collection", arguments: [
    ("x + 0", "x"),
    ("0 + x", "x"),
    ("x * 1", "x"),
    ("1 * x / 1", "x"),
    ("0 * x", "0"),
    ("x * (y - y)", "0"),
    ("-(-x)", "x"),
    ("2 * (3 * x)", "6 * x"),
    ("x + 2 * x", "3 * x"),
    ("x - x", "0"),
    ("1 + 2 + x + 3", "6 + x"),
    ("x + 1 + y", "x + 1 + y"),
    ("2 - x", "2 - x"),
    ("x - x + 1 + y", "1 + y"),
    ("x - 5 + 2", "x - 3"),
    ("x * x", "x^2"),
    ("x^2 / x", "x"),
    ("x / 2", "0.5 * x"),
    ("x / 3", "x / 3"),
    ("x^1", "x"),
    ("x^0", "1"),
    ("1^x", "1"),
    ("(x^2)^3", "x^6"),
    ("pow(x, y)", "x^y"),
    ("exp(0) + log(1) * y", "1"),
    ("-(a + b)", "-a - b"),
    ("-k2 * y6 + k7 * y5 - k8 * y6", "-k2 * y6 + k7 * y5 - k8 * y6"),
    ("2 < 3", "1"),
    ("piecewise(a, 0, b, 1, c)", "b"),
    ("piecewise(a, x < 1, a)", "a"),
    ("min(x, x)", "x"),
    ("abs(-x)", "abs(x)"),
  ])
  func rules(text: String, expected: String) {
    #expect(parsed(text).simplified() == parsed(expected), "\(parsed(text).simplified())")
  }

  @Test("simplification is idempotent and keeps the value (random expressions)")
  func idempotentAndValuePreserving() {
    var generator = RandomExpressions(seed: 7, symbols: ["x", "y", "z"])
    let point = ["x": 0.7, "y": 1.3, "z": 1.9]
    for _ in 0..<3000 {
      let e = generator.signed(depth: 4)
      let s = e.simplified()
      #expect(s.simplified() == s, "\(e) → \(s) → \(s.simplified())")
      if let original = e.value(point), let simple = s.value(point), original.isFinite {
        #expect(close(original, simple, tolerance: 1e-11), "\(e) = \(original) but \(s) = \(simple)")
      }
    }
  }
}
