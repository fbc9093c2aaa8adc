extension ExpressionProgram {
  /// One instruction's operation. Operands are values (inputs, constants or earlier results);
  /// each operation computes exactly what ``ScalarSemantics`` defines.
  public enum Operation: UInt8, Hashable, Sendable, CaseIterable {
    case negate, add, subtract, multiply, divide, power
    case exp, log, log10, sqrt, abs, min, max
    case less, lessOrEqual, greater, greaterOrEqual, equal, notEqual
    case and, or, not
    /// first ≠ 0 ? second : third.
    case select

    /// How many operands the operation reads (1, 2 or 3).
    public var operandCount: Int {
      switch self {
      case .negate, .exp, .log, .log10, .sqrt, .abs, .not: return 1
      case .select: return 3
      default: return 2
      }
    }

    /// Whether swapping the two operands never changes the result (so `a + b` and `b + a` can
    /// share one instruction). IEEE addition and multiplication commute exactly; min and max as
    /// defined here do not (NaN, ±0).
    var isCommutative: Bool {
      switch self {
      case .add, .multiply, .equal, .notEqual, .and, .or: return true
      default: return false
      }
    }

    /// The operation applied to scalars (unused operands are ignored).
    @inline(__always)
    func apply(_ a: Double, _ b: Double, _ c: Double) -> Double {
      switch self {
      case .negate: return -a
      case .add: return a + b
      case .subtract: return a - b
      case .multiply: return a * b
      case .divide: return a / b
      case .power: return ScalarSemantics.power(a, b)
      case .exp: return ScalarSemantics.exponential(a)
      case .log: return ScalarSemantics.naturalLogarithm(a)
      case .log10: return ScalarSemantics.commonLogarithm(a)
      case .sqrt: return ScalarSemantics.squareRoot(a)
      case .abs: return ScalarSemantics.absolute(a)
      case .min: return ScalarSemantics.minimum(a, b)
      case .max: return ScalarSemantics.maximum(a, b)
      case .less: return ScalarSemantics.truth(a < b)
      case .lessOrEqual: return ScalarSemantics.truth(a <= b)
      case .greater: return ScalarSemantics.truth(a > b)
      case .greaterOrEqual: return ScalarSemantics.truth(a >= b)
      case .equal: return ScalarSemantics.truth(a == b)
      case .notEqual: return ScalarSemantics.truth(a != b)
      case .and: return ScalarSemantics.truth(ScalarSemantics.isTrue(a) && ScalarSemantics.isTrue(b))
      case .or: return ScalarSemantics.truth(ScalarSemantics.isTrue(a) || ScalarSemantics.isTrue(b))
      case .not: return ScalarSemantics.truth(!ScalarSemantics.isTrue(a))
      case .select: return ScalarSemantics.isTrue(a) ? b : c
      }
    }

    /// Short name for listings.
    var mnemonic: String {
      switch self {
      case .lessOrEqual: return "le"
      case .greaterOrEqual: return "ge"
      case .notEqual: return "ne"
      case .less: return "lt"
      case .greater: return "gt"
      case .equal: return "eq"
      case .multiply: return "mul"
      case .subtract: return "sub"
      case .divide: return "div"
      case .negate: return "neg"
      case .power: return "pow"
      default: return "\(self)"
      }
    }
  }
}
