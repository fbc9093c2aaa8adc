/// Algebraic simplification: the rules that keep derivatives (and so Jacobians) small.
///
/// `simplified()` rewrites bottom-up into a normal form:
/// - sums are flattened into a constant plus terms c·t; numbers are added up (the sum keeps its
///   place: `1 + x` stays `1 + x`), equal terms merged (x + 2·x → 3·x, x − x → 0), zero terms
///   dropped, numeric factors distributed over sums (−(a + b) → −a − b);
/// - products and quotients are flattened into a coefficient and factors with numeric exponents;
///   numbers are multiplied together, equal bases merged (x·x → x², x²/x → x), a zero factor makes
///   0, factors 1 disappear; a numeric divisor stays a divisor unless dividing by it is exact;
/// - a ^ 0 → 1, a ^ 1 → a, 1 ^ b → 1, (a^p)^q → a^(p·q) and (a·b)^q → a^q·b^q for integer q,
///   pow(a, b) → a ^ b;
/// - operations whose operands are all numbers are folded with ``ScalarSemantics``;
/// - a piecewise drops pieces whose condition is a number (0: never; otherwise: always, and it
///   ends the list) and becomes its common value when every branch is the same.
///
/// These are identities of real algebra, not of floating point: x·0 → 0 ignores x = ∞ or NaN,
/// x/x → 1 ignores x = 0, and regrouping changes rounding. That is what a symbolic derivative
/// needs. Compilation (``ExpressionProgram``), by contrast, never regroups: it keeps the
/// expression's value bit for bit.
extension Expression {
  /// The expression in the normal form described above; idempotent.
  public func simplified() -> Expression {
    switch self {
    case .number, .symbol:
      return self
    case .negate, .binary(.add, _, _), .binary(.subtract, _, _):
      var sum = SumForm()
      sum.collect(self, scale: 1)
      return sum.expression
    case .binary(.multiply, _, _), .binary(.divide, _, _):
      var product = ProductForm()
      product.collect(self, inverted: false)
      return product.expression
    case .binary(.power, let a, let b):
      return .simplifiedPower(a.simplified(), b.simplified())
    case .call(let function, let arguments):
      return .simplifiedCall(function, arguments.map { $0.simplified() })
    case .comparison(let op, let a, let b):
      let (x, y) = (a.simplified(), b.simplified())
      if let p = x.numberValue, let q = y.numberValue { return .number(ScalarSemantics.compare(op, p, q)) }
      return .comparison(op, x, y)
    case .logical(let op, let a, let b):
      let (x, y) = (a.simplified(), b.simplified())
      if let p = x.numberValue, let q = y.numberValue { return .number(ScalarSemantics.combine(op, p, q)) }
      return .logical(op, x, y)
    case .not(let a):
      let x = a.simplified()
      if let p = x.numberValue { return .number(ScalarSemantics.truth(!ScalarSemantics.isTrue(p))) }
      return .not(x)
    case .piecewise(let pieces, let otherwise):
      var kept: [Piece] = []
      var fallback = otherwise
      var reachesOtherwise = true
      for piece in pieces {
        let condition = piece.condition.simplified()
        if let p = condition.numberValue {
          if !ScalarSemantics.isTrue(p) { continue }
          fallback = piece.value
          reachesOtherwise = false
          break
        }
        kept.append(Piece(value: piece.value.simplified(), condition: condition))
      }
      let last = reachesOtherwise ? otherwise.simplified() : fallback.simplified()
      if kept.allSatisfy({ $0.value == last }) { return last }
      return .piecewise(kept, otherwise: last)
    }
  }

  /// a ^ b for simplified operands.
  static func simplifiedPower(_ a: Expression, _ b: Expression) -> Expression {
    if let q = b.numberValue {
      if q == 0 { return .number(1) }
      if q == 1 { return a }
      if let p = a.numberValue { return .number(ScalarSemantics.power(p, q)) }
      if case .binary(.power, let base, .number(let p)) = a, q == q.rounded() {
        return simplifiedPower(base, .number(p * q))
      }
      if a.isMultiplicative, q == q.rounded() {
        var form = ProductForm()
        form.add(.binary(.power, a, b), inverted: false)
        return form.expression
      }
    }
    if a.numberValue == 1 { return .number(1) }
    return .binary(.power, a, b)
  }

  /// A function call with simplified arguments.
  static func simplifiedCall(_ function: Function, _ arguments: [Expression]) -> Expression {
    let numbers = arguments.compactMap(\.numberValue)
    if numbers.count == arguments.count { return .number(ScalarSemantics.apply(function, numbers)) }
    switch function {
    case .pow:
      return simplifiedPower(arguments[0], arguments[1])
    case .min, .max:
      if arguments.allSatisfy({ $0 == arguments[0] }) { return arguments[0] }
    case .abs:
      if case .call(.abs, _) = arguments[0] { return arguments[0] }
      if case .negate(let inner) = arguments[0] { return simplifiedCall(.abs, [inner]) }
    case .exp, .log, .log10, .sqrt:
      break
    }
    return .call(function, arguments)
  }

  /// Whether the expression is a product, quotient or negation (which products treat as −1·a).
  var isMultiplicative: Bool {
    switch self {
    case .binary(.multiply, _, _), .binary(.divide, _, _), .negate: return true
    default: return false
    }
  }

  /// Whether the expression is a sum or difference (or a negation, which sums treat as −1·a).
  var isAdditive: Bool {
    switch self {
    case .binary(.add, _, _), .binary(.subtract, _, _), .negate: return true
    default: return false
    }
  }
}

/// A sum in normal form: `constant + Σ coefficient·term`, where no term is a number, a sum, or
/// carries a numeric factor.
struct SumForm {
  var constant = 0.0
  var terms: [(coefficient: Double, term: Expression)] = []
  /// How many terms came before the first number, so that the constant is put back where it was
  /// (`1 + x` stays `1 + x`, and keeps matching the same subexpression elsewhere).
  var constantPosition: Int?

  /// Adds `scale` times an expression that is not yet simplified.
  mutating func collect(_ e: Expression, scale: Double) {
    switch e {
    case .negate(let a):
      collect(a, scale: -scale)
    case .binary(.add, let a, let b):
      collect(a, scale: scale)
      collect(b, scale: scale)
    case .binary(.subtract, let a, let b):
      collect(a, scale: scale)
      collect(b, scale: -scale)
    default:
      add(e.simplified(), scale: scale)
    }
  }

  /// Adds `scale` times a simplified expression.
  mutating func add(_ e: Expression, scale: Double) {
    switch e {
    case .number(let value):
      constant += scale * value
      if constantPosition == nil { constantPosition = terms.count }
    case .negate(let a):
      add(a, scale: -scale)
    case .binary(.add, let a, let b):
      add(a, scale: scale)
      add(b, scale: scale)
    case .binary(.subtract, let a, let b):
      add(a, scale: scale)
      add(b, scale: -scale)
    default:
      let (coefficient, term) = ProductForm.split(e)
      if coefficient == 0 { return }
      if term.isAdditive {
        add(term, scale: scale * coefficient)
      } else if let k = terms.firstIndex(where: { $0.term == term }) {
        terms[k].coefficient += scale * coefficient
      } else {
        terms.append((scale * coefficient, term))
      }
    }
  }

  /// The sum rebuilt in the order terms first appeared, the constant where the first number was.
  var expression: Expression {
    var parts = terms.filter { $0.coefficient != 0 }
    if constant != 0 {
      let before = terms.prefix(constantPosition ?? terms.count).filter { $0.coefficient != 0 }.count
      parts.insert((constant, .number(1)), at: before)
    }
    guard let first = parts.first else { return .number(constant) }
    var result = Self.term(first.coefficient, first.term)
    for (coefficient, term) in parts.dropFirst() {
      result = coefficient < 0
        ? .binary(.subtract, result, Self.term(-coefficient, term))
        : .binary(.add, result, Self.term(coefficient, term))
    }
    return result
  }

  /// c·t, where t = 1 stands for the constant term.
  private static func term(_ coefficient: Double, _ term: Expression) -> Expression {
    term == .number(1) ? .number(coefficient) : ProductForm.scaled(term, by: coefficient)
  }
}

/// A product in normal form: `numeratorCoefficient · Π baseᵢ^exponentᵢ / denominatorCoefficient`,
/// where no base is a number or a product, and exponents are numbers ≠ 0.
struct ProductForm {
  var numeratorCoefficient = 1.0
  var denominatorCoefficient = 1.0
  var factors: [(base: Expression, exponent: Double)] = []

  /// Multiplies by an expression that is not yet simplified (or divides, when `inverted`).
  mutating func collect(_ e: Expression, inverted: Bool) {
    switch e {
    case .binary(.multiply, let a, let b):
      collect(a, inverted: inverted)
      collect(b, inverted: inverted)
    case .binary(.divide, let a, let b):
      collect(a, inverted: inverted)
      collect(b, inverted: !inverted)
    case .negate(let a):
      numeratorCoefficient = -numeratorCoefficient
      collect(a, inverted: inverted)
    default:
      add(e.simplified(), inverted: inverted)
    }
  }

  /// Multiplies by a simplified expression (or divides, when `inverted`).
  mutating func add(_ e: Expression, inverted: Bool) {
    switch e {
    case .number(let value):
      if inverted { denominatorCoefficient *= value } else { numeratorCoefficient *= value }
    case .negate(let a):
      numeratorCoefficient = -numeratorCoefficient
      add(a, inverted: inverted)
    case .binary(.multiply, let a, let b):
      add(a, inverted: inverted)
      add(b, inverted: inverted)
    case .binary(.divide, let a, let b):
      add(a, inverted: inverted)
      add(b, inverted: !inverted)
    case .binary(.power, let base, .number(let p)) where !base.isMultiplicative:
      insert(base, exponent: inverted ? -p : p)
    case .binary(.power, let base, .number(let p)) where p == p.rounded():
      // (a·b/c)ⁿ = aⁿbⁿ/cⁿ for integer n.
      var inner = ProductForm()
      inner.add(base, inverted: false)
      let q = inverted ? -p : p
      numeratorCoefficient *= ScalarSemantics.power(inner.numeratorCoefficient, q)
      denominatorCoefficient *= ScalarSemantics.power(inner.denominatorCoefficient, q)
      for factor in inner.factors { insert(factor.base, exponent: factor.exponent * q) }
    default:
      insert(e, exponent: inverted ? -1 : 1)
    }
  }

  mutating func insert(_ base: Expression, exponent: Double) {
    if let k = factors.firstIndex(where: { $0.base == base }) {
      factors[k].exponent += exponent
    } else {
      factors.append((base, exponent))
    }
  }

  /// The product rebuilt: coefficient first (a coefficient −1 negates the first factor),
  /// numerator factors in order, then `/` the denominator.
  var expression: Expression {
    var form = self
    form.foldExactDivisor()
    let top = form.numeratorCoefficient
    let bottom = form.denominatorCoefficient
    if top == 0 { return .number(0) }
    let numerator = factors.filter { $0.exponent > 0 }
    let denominator = factors.filter { $0.exponent < 0 }
    if numerator.isEmpty && denominator.isEmpty { return .number(top / bottom) }

    var result: Expression
    if numerator.isEmpty {
      result = .number(top)
    } else {
      var parts = numerator.map { Self.power($0.base, $0.exponent) }
      if top == -1 {
        parts[0] = .negate(parts[0])
      } else if top != 1 {
        parts.insert(.number(top), at: 0)
      }
      result = Self.chain(parts)
    }
    var divisors = denominator.map { Self.power($0.base, -$0.exponent) }
    if bottom != 1 { divisors.insert(.number(bottom), at: 0) }
    if divisors.isEmpty { return result }
    return .binary(.divide, result, Self.chain(divisors))
  }

  /// Moves the numeric divisor into the coefficient when that division is exact (x/2 → 0.5·x,
  /// but x/3 stays x/3).
  mutating func foldExactDivisor() {
    let (top, bottom) = (numeratorCoefficient, denominatorCoefficient)
    guard bottom != 1, bottom != 0, bottom.isFinite else { return }
    let quotient = top / bottom
    if quotient.isFinite, (-top).addingProduct(quotient, bottom) == 0 {
      numeratorCoefficient = quotient
      denominatorCoefficient = 1
    }
  }

  private static func power(_ base: Expression, _ exponent: Double) -> Expression {
    exponent == 1 ? base : .binary(.power, base, .number(exponent))
  }

  private static func chain(_ parts: [Expression]) -> Expression {
    parts.dropFirst().reduce(parts[0]) { .binary(.multiply, $0, $1) }
  }

  /// A simplified expression as (numeric coefficient, the rest with coefficient 1).
  static func split(_ e: Expression) -> (Double, Expression) {
    var form = ProductForm()
    form.add(e, inverted: false)
    form.foldExactDivisor()
    let coefficient = form.numeratorCoefficient
    form.numeratorCoefficient = 1
    return (coefficient, form.expression)
  }

  /// `coefficient · term` for a term with coefficient 1, in normal form.
  static func scaled(_ term: Expression, by coefficient: Double) -> Expression {
    if coefficient == 1 { return term }
    var form = ProductForm()
    form.add(term, inverted: false)
    form.numeratorCoefficient *= coefficient
    return form.expression
  }
}
