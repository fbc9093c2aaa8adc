/// How a function in an expression treats units, for ``UnitInference``.
public enum UnitFunctionRule: Sendable, Equatable {
  /// Every argument must be a plain number (dimensionless, scale 1); so is the result.
  /// exp, ln, log, log10, log2, trigonometric and hyperbolic functions, and, or, xor, not.
  case pureNumber(arguments: ClosedRange<Int>)
  /// The arguments must share one unit (as for +), which is also the result's: abs, min, max,
  /// floor, ceil, round.
  case sameUnit(arguments: ClosedRange<Int>)
  /// The arguments may have any units (each must be consistent in itself); the result is a plain
  /// number: sign, heaviside.
  case pureNumberResult(arguments: ClosedRange<Int>)
  /// One argument; the result's exponents are halved: sqrt(µM²) is µM.
  case squareRoot
  /// pow(base, exponent), the same as `base ^ exponent`; the exponent is a constant only when
  /// written as a number.
  case power

  /// The rules for the functions of common rate-law syntax (SBML MathML names and C names).
  /// Lookup is case-sensitive.
  public static let builtIn: [String: UnitFunctionRule] = {
    var rules: [String: UnitFunctionRule] = [:]
    for name in [
      "exp", "ln", "log10", "log2", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
      "tanh", "not",
    ] {
      rules[name] = .pureNumber(arguments: 1...1)
    }
    rules["log"] = .pureNumber(arguments: 1...2)  // log(x) or log(base, x)
    for name in ["and", "or", "xor"] { rules[name] = .pureNumber(arguments: 1...Int.max) }
    for name in ["abs", "floor", "ceil", "ceiling", "round"] {
      rules[name] = .sameUnit(arguments: 1...1)
    }
    for name in ["min", "max"] { rules[name] = .sameUnit(arguments: 1...Int.max) }
    for name in ["sign", "heaviside"] { rules[name] = .pureNumberResult(arguments: 1...1) }
    rules["sqrt"] = .squareRoot
    rules["pow"] = .power
    rules["power"] = .power
    return rules
  }()

  /// The allowed argument counts.
  var arity: ClosedRange<Int> {
    switch self {
    case .pureNumber(let n), .sameUnit(let n), .pureNumberResult(let n): return n
    case .squareRoot: return 1...1
    case .power: return 2...2
    }
  }
}
