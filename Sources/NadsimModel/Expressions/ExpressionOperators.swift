// The operators and built-in functions an ``Expression`` can use, with their text spellings.

extension Expression {
  /// Arithmetic on two operands.
  public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    /// a ^ b (also written a ** b), computed as ``ScalarSemantics/power(_:_:)``.
    case power = "^"

    /// The operator as written in model files.
    public var symbol: String { rawValue }
  }

  /// Comparisons; their value is 1 when they hold and 0 otherwise (IEEE rules: any comparison
  /// with NaN fails except ≠).
  public enum ComparisonOperator: String, Hashable, Sendable, CaseIterable {
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "=="
    case notEqual = "!="

    public var symbol: String { rawValue }
  }

  /// Logical connectives on conditions (operands other than 0 count as true); value 1 or 0.
  public enum LogicalOperator: String, Hashable, Sendable, CaseIterable {
    case and = "&&"
    case or = "||"

    public var symbol: String { rawValue }
  }

  /// Built-in functions, called by name: `exp(x)`, `min(a, b, c)`...
  public enum Function: String, Hashable, Sendable, CaseIterable {
    /// eˣ.
    case exp
    /// Natural logarithm.
    case log
    /// Base-10 logarithm.
    case log10
    case sqrt
    /// |x|.
    case abs
    /// Smallest of two or more arguments (see ``ScalarSemantics/minimum(_:_:)`` for NaN).
    case min
    /// Largest of two or more arguments.
    case max
    /// pow(a, b): the same as a ^ b.
    case pow

    /// The name used in model files.
    public var name: String { rawValue }

    /// How many arguments the function takes: `exact` when `atLeast` is false.
    public var arity: (count: Int, atLeast: Bool) {
      switch self {
      case .exp, .log, .log10, .sqrt, .abs: return (1, false)
      case .pow: return (2, false)
      case .min, .max: return (2, true)
      }
    }

    /// Whether `count` arguments are acceptable.
    public func accepts(argumentCount count: Int) -> Bool {
      arity.atLeast ? count >= arity.count : count == arity.count
    }
  }
}
