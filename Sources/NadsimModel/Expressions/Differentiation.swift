/// Exact symbolic differentiation.
///
/// The rules are those of calculus, applied to the tree and then ``Expression/simplified()``:
/// - (a·b)′ = a′b + ab′; (a/b)′ = (a′b − ab′)/b², or a′/b when b′ = 0;
/// - (aᵇ)′ = b·a^(b−1)·a′ when b does not depend on the variable (b may be a symbol such as a Hill
///   coefficient), aᵇ·log(a)·b′ when a does not, and aᵇ·(b′·log a + b·a′/a) in general;
/// - exp′ = exp·a′, log′ = a′/a, log10′ = a′/(a·ln 10), sqrt′ = a′/(2√a);
/// - |a|′ = piecewise(a′, a > 0, −a′, a < 0, 0);
/// - min(a, b)′ = piecewise(b′, b < a, a′) and max(a, b)′ = piecewise(b′, b > a, a′), matching
///   ``ScalarSemantics/minimum(_:_:)``; more arguments fold from the left;
/// - piecewise: the same conditions with differentiated values;
/// - comparisons and logical operations are piecewise constant: derivative 0.
///
/// At a kink (|a| at a = 0, min where a = b, a piecewise boundary) the result is the derivative of
/// the branch that ``ScalarSemantics`` selects there; it is not a limit.
extension Expression {
  /// ∂(self)/∂`name`, simplified. Symbols other than `name` are constants.
  public func derivative(withRespectTo name: String) -> Expression {
    rawDerivative(name).simplified()
  }

  /// The derivative before simplification; zero operands are pruned on the way so that the tree
  /// does not grow with terms that are known to vanish.
  private func rawDerivative(_ x: String) -> Expression {
    switch self {
    case .number:
      return .number(0)
    case .symbol(let name):
      return .number(name == x ? 1 : 0)
    case .negate(let a):
      return negated(a.rawDerivative(x))
    case .binary(let op, let a, let b):
      let (da, db) = (a.rawDerivative(x), b.rawDerivative(x))
      switch op {
      case .add: return sum(da, db)
      case .subtract: return difference(da, db)
      case .multiply: return sum(product(da, b), product(a, db))
      case .divide:
        if db.isZero { return quotient(da, b) }
        return quotient(difference(product(da, b), product(a, db)), .binary(.power, b, .number(2)))
      case .power:
        return powerDerivative(a, b, da, db)
      }
    case .call(let function, let arguments):
      return callDerivative(function, arguments, x)
    case .comparison, .logical, .not:
      return .number(0)
    case .piecewise(let pieces, let otherwise):
      let differentiated = pieces.map { Piece(value: $0.value.rawDerivative(x), condition: $0.condition) }
      let last = otherwise.rawDerivative(x)
      if differentiated.allSatisfy({ $0.value.isZero }) && last.isZero { return .number(0) }
      return .piecewise(differentiated, otherwise: last)
    }
  }

  private func powerDerivative(_ a: Expression, _ b: Expression, _ da: Expression, _ db: Expression) -> Expression {
    let power = Expression.binary(.power, a, b)
    if db.isZero {
      if da.isZero { return .number(0) }
      return product(product(b, .binary(.power, a, difference(b, .number(1)))), da)
    }
    let logarithm = Expression.call(.log, [a])
    if da.isZero { return product(product(power, logarithm), db) }
    return product(power, sum(product(db, logarithm), quotient(product(b, da), a)))
  }

  private func callDerivative(_ function: Function, _ arguments: [Expression], _ x: String) -> Expression {
    if function == .min || function == .max { return extremumDerivative(function, arguments, x) }
    let a = arguments[0]
    let da = a.rawDerivative(x)
    if function == .pow { return powerDerivative(a, arguments[1], da, arguments[1].rawDerivative(x)) }
    if da.isZero { return .number(0) }
    switch function {
    case .exp:
      return product(self, da)
    case .log:
      return quotient(da, a)
    case .log10:
      return quotient(da, product(a, .call(.log, [.number(10)])))
    case .sqrt:
      return quotient(da, product(.number(2), self))
    case .abs:
      return .piecewise(
        [Piece(value: da, condition: .comparison(.greater, a, .number(0))),
         Piece(value: negated(da), condition: .comparison(.less, a, .number(0)))],
        otherwise: .number(0))
    case .min, .max, .pow:
      preconditionFailure("handled above")
    }
  }

  /// min/max of several arguments, as the left fold ScalarSemantics uses: at step k the running
  /// extremum m is replaced by argument k when argument k < m (> m for max).
  private func extremumDerivative(_ function: Function, _ arguments: [Expression], _ x: String) -> Expression {
    let comparison: ComparisonOperator = function == .min ? .less : .greater
    var derivative = arguments[0].rawDerivative(x)
    for k in 1..<arguments.count {
      let running = k == 1 ? arguments[0] : .call(function, Array(arguments[0..<k]))
      let next = arguments[k].rawDerivative(x)
      if next == derivative { continue }
      derivative = .piecewise(
        [Piece(value: next, condition: .comparison(comparison, arguments[k], running))], otherwise: derivative)
    }
    return derivative
  }

  var isZero: Bool { numberValue == 0 }

  private func negated(_ a: Expression) -> Expression { a.isZero ? .number(0) : .negate(a) }

  private func sum(_ a: Expression, _ b: Expression) -> Expression {
    if a.isZero { return b }
    if b.isZero { return a }
    return .binary(.add, a, b)
  }

  private func difference(_ a: Expression, _ b: Expression) -> Expression {
    if b.isZero { return a }
    if a.isZero { return .negate(b) }
    return .binary(.subtract, a, b)
  }

  private func product(_ a: Expression, _ b: Expression) -> Expression {
    if a.isZero || b.isZero { return .number(0) }
    return .binary(.multiply, a, b)
  }

  private func quotient(_ a: Expression, _ b: Expression) -> Expression {
    a.isZero ? .number(0) : .binary(.divide, a, b)
  }
}
