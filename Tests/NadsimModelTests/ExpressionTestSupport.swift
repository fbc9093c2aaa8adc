import NadsimModel
import NadsimTestSupport

/// Random expression trees for property tests.
struct RandomExpressions {
  var rng: SplitMix64
  let symbols: [String]

  init(seed: UInt64, symbols: [String]) {
    rng = SplitMix64(seed: seed)
    self.symbols = symbols
  }

  mutating func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &rng)] }

  mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

  /// Any expression, using every kind of node, numbers of every sign and size.
  mutating func any(depth: Int) -> Expression {
    if depth == 0 || chance(0.2) {
      if chance(0.35) {
        return .number(pick([0, 1, 2, -1, 0.5, 3, -2, 1e-3, 2.5e4, -0.0]) * (chance(0.3) ? Double.random(in: 0.1..<10, using: &rng) : 1))
      }
      return .symbol(pick(symbols))
    }
    let d = depth - 1
    switch Int.random(in: 0..<14, using: &rng) {
    case 0: return .negate(any(depth: d))
    case 1, 2, 3: return .binary(pick(Expression.BinaryOperator.allCases), any(depth: d), any(depth: d))
    case 4:
      let function = pick(Expression.Function.allCases)
      let (count, atLeast) = function.arity
      let n = atLeast ? count + Int.random(in: 0...2, using: &rng) : count
      return .call(function, (0..<n).map { _ in any(depth: d) })
    case 5: return .comparison(pick(Expression.ComparisonOperator.allCases), any(depth: d), any(depth: d))
    case 6: return .logical(pick(Expression.LogicalOperator.allCases), any(depth: d), any(depth: d))
    case 7: return .not(any(depth: d))
    case 8:
      let pieces = (0..<Int.random(in: 1...2, using: &rng)).map { _ in
        Expression.Piece(value: any(depth: d), condition: any(depth: d))
      }
      return .piecewise(pieces, otherwise: any(depth: d))
    case 9: return .binary(.power, any(depth: d), .number(pick([2, 3, 0.5, -1, 1, 0])))
    default: return .binary(pick([.add, .subtract, .multiply, .divide]), any(depth: d), any(depth: d))
    }
  }

  /// A smooth expression whose value stays positive (and away from 0) while every symbol lies in
  /// [0.5, 2]: safe to differentiate by finite differences.
  mutating func positive(depth: Int) -> Expression {
    if depth == 0 || chance(0.25) {
      return chance(0.4) ? .number(Double.random(in: 0.5...2, using: &rng)) : .symbol(pick(symbols))
    }
    let d = depth - 1
    switch Int.random(in: 0..<9, using: &rng) {
    case 0: return .binary(.add, positive(depth: d), positive(depth: d))
    case 1, 2: return .binary(.multiply, positive(depth: d), positive(depth: d))
    case 3: return .binary(.divide, positive(depth: d), positive(depth: d))
    case 4: return .call(.sqrt, [positive(depth: d)])
    case 5: return .call(.exp, [.binary(.divide, signed(depth: d), .number(4))])
    case 6: return .binary(.power, positive(depth: d), .number(pick([2, 3, -1, 0.5, 1.5, -2])))
    case 7: return .call(.pow, [positive(depth: d), .binary(.divide, signed(depth: d), .number(3))])
    default: return .binary(.power, positive(depth: d), .symbol(pick(symbols)))
    }
  }

  /// A smooth expression of moderate size and either sign (symbols in [0.5, 2]).
  mutating func signed(depth: Int) -> Expression {
    if depth == 0 { return positive(depth: 0) }
    let d = depth - 1
    switch Int.random(in: 0..<5, using: &rng) {
    case 0: return .binary(.subtract, positive(depth: d), positive(depth: d))
    case 1: return .call(.log, [positive(depth: d)])
    case 2: return .call(.log10, [positive(depth: d)])
    case 3: return .negate(positive(depth: d))
    default: return positive(depth: d)
    }
  }

  /// An input value: mostly ordinary numbers of both signs, sometimes zeros, integers, huge, tiny
  /// (subnormal), infinite or NaN values.
  mutating func input() -> Double {
    if chance(0.8) { return Double.random(in: -3...3, using: &rng) }
    return pick([0, -0.0, 1, 2, -1, 1e300, -1e300, Double.leastNormalMagnitude / 16, .infinity, -.infinity, .nan, 0.5])
  }
}

/// Bit-for-bit equality, except that any two NaNs count as equal (NaN payloads may legitimately
/// differ between instruction sequences that compute the same IEEE value).
func identical(_ a: Double, _ b: Double) -> Bool {
  (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
}

/// `|a − b| ≤ tolerance · max(1, |a|, |b|)`.
func close(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
  abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

/// Parses text known to be valid (test fixtures).
func parsed(_ text: String) -> Expression {
  do { return try ExpressionParser.parse(text) } catch { fatalError("fixture \(text): \(error)") }
}
