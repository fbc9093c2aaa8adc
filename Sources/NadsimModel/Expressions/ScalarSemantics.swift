#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What each expression operation computes on `Double`: the single definition that the tree
/// evaluator (``Expression/value(_:)``), the simplifier's constant folding, the interpreter
/// (``ExpressionInterpreter``) and the generated C code (``NativeProgram``) all follow, so that
/// they agree bit for bit.
///
/// Elementary functions are the C library's (`exp`, `log`, `log10`, `pow` from glibc's libm), the
/// same symbols whether called from Swift or from compiled C. Arithmetic is IEEE 754 double with
/// round-to-nearest, one rounding per operation, never fused or reordered.
public enum ScalarSemantics {
  /// a ^ b. `b == 2` is a·a; other whole exponents with |b| ≤ 16 (Hill coefficients, and the
  /// b − 1 of their derivatives) use binary powering (square-and-multiply, then 1/x for b < 0): a
  /// few multiplications instead of a libm call, which was a quarter of the nad-human ensemble's
  /// time with h = 7. Its relative error is at most (|b| − 1)·u, plus u for b < 0 (each product adds
  /// one rounding to its factors' errors); measured ≤ 10 ulps over |b| ≤ 16 (glibc's `pow`: under
  /// 1 ulp). Every other exponent goes to C `pow`. C's `nadsim_power` performs the same operations
  /// in the same order, so compiled and interpreted models agree bit for bit.
  @inlinable @inline(__always)
  public static func power(_ a: Double, _ b: Double) -> Double {
    if b == 2 { return a * a }
    if b >= -16 && b <= 16 && b == b.rounded(.towardZero) {
      let whole = Int(b)
      var m = whole < 0 ? -whole : whole
      var result = 1.0, x = a
      while m != 0 {
        if m & 1 != 0 { result *= x }
        m >>= 1
        if m != 0 { x *= x }
      }
      return whole < 0 ? 1 / result : result
    }
    return pow(a, b)
  }

  /// min(a, b) = b < a ? b : a: with a NaN operand the result is `a` (unlike C `fmin`, which
  /// ignores NaN); min(−0, +0) is −0 and min(+0, −0) is +0. Several arguments fold from the left.
  @inlinable @inline(__always)
  public static func minimum(_ a: Double, _ b: Double) -> Double { b < a ? b : a }

  /// max(a, b) = b > a ? b : a, the mirror image of ``minimum(_:_:)``.
  @inlinable @inline(__always)
  public static func maximum(_ a: Double, _ b: Double) -> Double { b > a ? b : a }

  /// Whether a value counts as true in a condition: anything but ±0 (NaN is true).
  @inlinable @inline(__always)
  public static func isTrue(_ a: Double) -> Bool { a != 0 }

  /// 1 for true, 0 for false.
  @inlinable @inline(__always)
  public static func truth(_ holds: Bool) -> Double { holds ? 1 : 0 }

  @inlinable @inline(__always)
  public static func exponential(_ a: Double) -> Double { exp(a) }

  @inlinable @inline(__always)
  public static func naturalLogarithm(_ a: Double) -> Double { log(a) }

  @inlinable @inline(__always)
  public static func commonLogarithm(_ a: Double) -> Double { log10(a) }

  /// The correctly rounded square root (the `sqrtsd` instruction).
  @inlinable @inline(__always)
  public static func squareRoot(_ a: Double) -> Double { a.squareRoot() }

  /// |a|: clears the sign bit.
  @inlinable @inline(__always)
  public static func absolute(_ a: Double) -> Double { a.magnitude }

  /// The value of a comparison.
  @inlinable
  public static func compare(_ op: Expression.ComparisonOperator, _ a: Double, _ b: Double) -> Double {
    switch op {
    case .less: return truth(a < b)
    case .lessOrEqual: return truth(a <= b)
    case .greater: return truth(a > b)
    case .greaterOrEqual: return truth(a >= b)
    case .equal: return truth(a == b)
    case .notEqual: return truth(a != b)
    }
  }

  /// The value of `a && b` or `a || b` (both operands are always evaluated).
  @inlinable
  public static func combine(_ op: Expression.LogicalOperator, _ a: Double, _ b: Double) -> Double {
    switch op {
    case .and: return truth(isTrue(a) && isTrue(b))
    case .or: return truth(isTrue(a) || isTrue(b))
    }
  }

  /// The value of arithmetic `a op b`.
  @inlinable
  public static func apply(_ op: Expression.BinaryOperator, _ a: Double, _ b: Double) -> Double {
    switch op {
    case .add: return a + b
    case .subtract: return a - b
    case .multiply: return a * b
    case .divide: return a / b
    case .power: return power(a, b)
    }
  }

  /// The value of a built-in function (argument count already checked).
  @inlinable
  public static func apply(_ function: Expression.Function, _ arguments: [Double]) -> Double {
    switch function {
    case .exp: return exponential(arguments[0])
    case .log: return naturalLogarithm(arguments[0])
    case .log10: return commonLogarithm(arguments[0])
    case .sqrt: return squareRoot(arguments[0])
    case .abs: return absolute(arguments[0])
    case .pow: return power(arguments[0], arguments[1])
    case .min: return arguments.dropFirst().reduce(arguments[0], minimum)
    case .max: return arguments.dropFirst().reduce(arguments[0], maximum)
    }
  }
}
