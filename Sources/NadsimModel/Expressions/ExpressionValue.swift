extension Expression {
  /// Evaluates the tree directly (no compilation), following ``ScalarSemantics``; `nil` when a
  /// symbol has no value.
  ///
  /// For one-off values (initial assignments, checks) and tests. Code that evaluates the same
  /// expressions many times compiles them instead (``Evaluator``), which gives the same results.
  /// `piecewise` returns the value of the first piece whose condition holds.
  public func value(_ lookup: (String) -> Double?) -> Double? {
    switch self {
    case .number(let value): return value
    case .symbol(let name): return lookup(name)
    case .negate(let a): return a.value(lookup).map { -$0 }
    case .not(let a): return a.value(lookup).map { ScalarSemantics.truth(!ScalarSemantics.isTrue($0)) }
    case .binary(let op, let a, let b):
      guard let x = a.value(lookup), let y = b.value(lookup) else { return nil }
      return ScalarSemantics.apply(op, x, y)
    case .comparison(let op, let a, let b):
      guard let x = a.value(lookup), let y = b.value(lookup) else { return nil }
      return ScalarSemantics.compare(op, x, y)
    case .logical(let op, let a, let b):
      guard let x = a.value(lookup), let y = b.value(lookup) else { return nil }
      return ScalarSemantics.combine(op, x, y)
    case .call(let function, let arguments):
      var values: [Double] = []
      values.reserveCapacity(arguments.count)
      for argument in arguments {
        guard let x = argument.value(lookup) else { return nil }
        values.append(x)
      }
      return ScalarSemantics.apply(function, values)
    case .piecewise(let pieces, let otherwise):
      for piece in pieces {
        guard let condition = piece.condition.value(lookup) else { return nil }
        if ScalarSemantics.isTrue(condition) { return piece.value.value(lookup) }
      }
      return otherwise.value(lookup)
    }
  }

  /// ``value(_:)`` with the symbols' values in a dictionary.
  public func value(_ bindings: [String: Double]) -> Double? {
    value { bindings[$0] }
  }
}
