import Foundation

/// The unit of an expression as found by ``UnitInference``.
public enum InferredUnit: Equatable, Sendable, CustomStringConvertible {
  /// The expression has this unit.
  case unit(Unit)
  /// The expression is made of bare numbers only (`2`, `1 + 1`, `exp(0.5)`): it takes whatever unit
  /// its context needs (the literal rule, see ``UnitInference``).
  case flexible

  /// The unit, or nil for a flexible expression.
  public var unit: Unit? {
    if case .unit(let u) = self { return u }
    return nil
  }

  /// "µM/h", or "any unit (bare number)".
  public var description: String { unit?.description ?? "any unit (bare number)" }
}

/// Finds the unit of a rate law or other expression from the units of its symbols, and reports
/// sub-expressions whose units do not fit together.
///
/// **Rules.**
/// - `a + b`, `a - b`, comparisons, the arguments of min/max/abs and the values of a piecewise need
///   the *same* unit: convertible units of different scale (µM + mM) are an error, because the
///   evaluator adds raw numbers. The error names both sub-expressions and both units.
/// - `a * b` and `a / b` multiply and divide units. `a ^ n` with a constant n multiplies exponents
///   (a fractional n must be p/q with q ≤ 100, as in µM^(1/2)); with a non-constant exponent the
///   base must be a plain number (write `(S/K)^h`, not `S^h / K^h`).
/// - exp, log, trigonometric and logical functions need plain numbers (dimensionless *and* scale 1:
///   exp of a value in % would see 50 for 0.5) and give a plain number. sqrt halves exponents.
///   Other functions per ``UnitFunctionRule``.
/// - Piecewise conditions and comparison results are plain numbers (truth values).
///
/// **The literal rule.** A bare number has no unit of its own. In `*` and `/` it is a plain
/// number (`2 * S` has S's unit, `1 / Km` is 1/µM). Where units must match (`+`, `-`,
/// comparisons, min/max, piecewise values) it takes the unit of the other side: in `1 + S/Ki` it
/// is a plain number, in `S + 0.5` and in `S > 0` it is µM. An expression made only of numbers
/// stays flexible (``InferredUnit/flexible``). Each number that took a unit other than a plain
/// number is listed in ``Result/adoptedLiterals``, so a loader can show them.
///
/// *Weakness:* a number is never checked. `S + 0.5` passes whether 0.5 was meant in µM or mM, and
/// the number silently changes meaning if S's unit is changed; `1 - f` with f in % passes, with
/// the 1 read as 1 %, although the writer surely meant 100 %. A hand-written conversion such as
/// `S_mM * 1000` (meant as µM) stays mM, because the 1000 is a plain number, so adding it to a µM
/// quantity is reported as a scale mismatch although the arithmetic was right. Named parameters
/// with units avoid all of these.
public struct UnitInference {
  /// A number that took the unit of the other operand of a +, −, comparison, min/max or piecewise.
  public struct AdoptedLiteral: Equatable, Sendable {
    /// The literal sub-expression as text ("0.5", "2 * 3").
    public var literal: String
    /// The unit it took.
    public var unit: Unit
    /// The expression in which it took it ("S + 0.5").
    public var context: String
  }

  /// The unit of the expression and the numbers that adopted a unit.
  public struct Result: Equatable, Sendable {
    public var unit: InferredUnit
    public var adoptedLiterals: [AdoptedLiteral]
  }

  private let unitOf: (String) -> Unit?
  private let functions: [String: UnitFunctionRule]

  /// - Parameters:
  ///   - functions: unit rules per function name; ``UnitFunctionRule/builtIn`` by default. Add to
  ///     it for model-defined functions.
  ///   - unitOf: the unit of a symbol, or nil when none is known (an error if the symbol is used).
  public init(
    functions: [String: UnitFunctionRule] = UnitFunctionRule.builtIn,
    unitOf: @escaping (String) -> Unit?
  ) {
    self.unitOf = unitOf
    self.functions = functions
  }

  /// Inference with the units of symbols given as a dictionary.
  public init(
    units: [String: Unit], functions: [String: UnitFunctionRule] = UnitFunctionRule.builtIn
  ) {
    self.init(functions: functions) { units[$0] }
  }

  /// The unit of `expression`.
  /// - Throws: ``UnitError`` naming the sub-expression and the units that do not fit: kinds
  ///   `incompatibleDimensions`, `scaleMismatch`, `needsPureNumber`, `exponent`, `unknownName`,
  ///   `unknownFunction`, `argumentCount`.
  public func infer(_ expression: UnitExpressionNode) throws(UnitError) -> Result {
    var adopted: [AdoptedLiteral] = []
    let unit = try visit(expression, &adopted)
    return Result(unit: unit, adoptedLiterals: adopted)
  }

  // MARK: - Implementation

  private func visit(_ node: UnitExpressionNode, _ adopted: inout [AdoptedLiteral])
    throws(UnitError)
    -> InferredUnit
  {
    switch node {
    case .number:
      return .flexible
    case .symbol(let name):
      guard let unit = unitOf(name) else {
        throw UnitError(.unknownName, "no unit is known for '\(name)'")
      }
      return .unit(unit)
    case .negate(let a):
      return try visit(a, &adopted)
    case .add(let a, let b), .subtract(let a, let b):
      let clash = if case .add = node { "cannot be added" } else { "cannot be subtracted" }
      return try same(
        [(a, try visit(a, &adopted)), (b, try visit(b, &adopted))], context: node,
        clash: clash, &adopted)
    case .compare(let a, let b):
      _ = try same(
        [(a, try visit(a, &adopted)), (b, try visit(b, &adopted))], context: node,
        clash: "cannot be compared", &adopted)
      return .unit(.dimensionless)
    case .multiply(let a, let b):
      switch (try visit(a, &adopted), try visit(b, &adopted)) {
      case (.flexible, .flexible): return .flexible
      case (.unit(let u), .flexible), (.flexible, .unit(let u)): return .unit(u)
      case (.unit(let u), .unit(let v)): return .unit(u * v)
      }
    case .divide(let a, let b):
      switch (try visit(a, &adopted), try visit(b, &adopted)) {
      case (.flexible, .flexible): return .flexible
      case (.unit(let u), .flexible): return .unit(u)
      case (.flexible, .unit(let v)): return .unit(v.reciprocal)
      case (.unit(let u), .unit(let v)): return .unit(u / v)
      }
    case .power(let base, let exponent):
      return try power(base, try visit(base, &adopted), exponent: exponent, context: node)
    case .function(let name, let arguments):
      return try function(name, arguments, context: node, &adopted)
    case .piecewise(let values, let conditions):
      for condition in conditions {
        try requirePureNumber(
          condition, try visit(condition, &adopted), context: node,
          role: "a condition of piecewise must be a truth value (a comparison or a plain number)")
      }
      var typed: [(UnitExpressionNode, InferredUnit)] = []
      for value in values { typed.append((value, try visit(value, &adopted))) }
      return try same(
        typed, context: node, clash: "are values of one piecewise and need one unit", &adopted)
    }
  }

  /// The common unit of operands that must match (+, −, comparisons, min/max, piecewise values).
  /// - Parameter clash: completes "x [µM] and y [mM] …" in messages: "cannot be added".
  private func same(
    _ operands: [(UnitExpressionNode, InferredUnit)], context: UnitExpressionNode,
    clash: String, _ adopted: inout [AdoptedLiteral]
  ) throws(UnitError) -> InferredUnit {
    var reference: (node: UnitExpressionNode, unit: Unit)?
    for (node, inferred) in operands {
      if case .unit(let unit) = inferred {
        reference = (node, unit)
        break
      }
    }
    guard let (firstNode, first) = reference else { return .flexible }
    for (node, inferred) in operands {
      guard case .unit(let unit) = inferred else {
        if !first.isPureNumber {
          adopted.append(
            AdoptedLiteral(literal: node.description, unit: first, context: context.description))
        }
        continue
      }
      if !unit.hasSameDimension(as: first) {
        throw UnitError(
          .incompatibleDimensions,
          "in `\(context)`: \(firstNode) [\(first)] and \(node) [\(unit)] \(clash): "
            + "their dimensions differ (\(first.dimension) vs \(unit.dimension))")
      }
      if !unit.hasSameScale(as: first) {
        let ratio = Unit.formatted(unit.factor / first.factor)
        throw UnitError(
          .scaleMismatch,
          "in `\(context)`: \(firstNode) [\(first)] and \(node) [\(unit)] \(clash): "
            + "the units differ in scale (1 \(unit) = \(ratio) \(first)) and the evaluator "
            + "combines raw numbers; convert one of them")
      }
    }
    return .unit(first)
  }

  private func requirePureNumber(
    _ node: UnitExpressionNode, _ inferred: InferredUnit,
    context: UnitExpressionNode, role: String
  ) throws(UnitError) {
    guard case .unit(let unit) = inferred, !unit.isPureNumber else { return }
    if unit.isDimensionless {
      throw UnitError(
        .needsPureNumber,
        "in `\(context)`: \(role), but \(node) [\(unit)] is dimensionless with scale "
          + "\(Unit.formatted(unit.factor)), so its raw value is not the plain number")
    }
    throw UnitError(
      .needsPureNumber,
      "in `\(context)`: \(role), but \(node) has unit \(unit) (\(unit.dimension))")
  }

  private func power(
    _ baseNode: UnitExpressionNode, _ base: InferredUnit, exponent: Double?,
    context: UnitExpressionNode
  ) throws(UnitError) -> InferredUnit {
    guard case .unit(let unit) = base else { return .flexible }
    if unit.isPureNumber { return base }
    guard let exponent, exponent.isFinite else {
      throw UnitError(
        .exponent,
        "in `\(context)`: the exponent is not a constant, so the power has no fixed unit "
          + "while \(baseNode) has unit \(unit); raise a plain number instead, "
          + "such as (S/K)^n")
    }
    if unit.isDimensionless {
      return .unit(Unit(factor: Foundation.pow(unit.factor, exponent), dimension: .none))
    }
    guard let rational = UnitExponent(approximating: exponent, maxDenominator: 100) else {
      throw UnitError(
        .exponent,
        "in `\(context)`: \(baseNode) [\(unit)] to the power "
          + "\(UnitExpressionNode.format(exponent)) has no usable unit; "
          + "raise a plain number instead, such as (S/K)^n")
    }
    return .unit(unit.raised(to: rational))
  }

  private func function(
    _ name: String, _ arguments: [UnitExpressionNode], context: UnitExpressionNode,
    _ adopted: inout [AdoptedLiteral]
  ) throws(UnitError) -> InferredUnit {
    guard let rule = functions[name] else {
      let known = functions.keys.sorted().joined(separator: ", ")
      throw UnitError(
        .unknownFunction, "in `\(context)`: no unit rule for function '\(name)'; known: \(known)")
    }
    guard rule.arity.contains(arguments.count) else {
      let expected =
        rule.arity.lowerBound == rule.arity.upperBound
        ? "\(rule.arity.lowerBound)"
        : rule.arity.upperBound == Int.max
          ? "at least \(rule.arity.lowerBound)"
          : "\(rule.arity.lowerBound) to \(rule.arity.upperBound)"
      throw UnitError(
        .argumentCount,
        "in `\(context)`: \(name) takes \(expected) argument(s), got \(arguments.count)")
    }
    var typed: [(UnitExpressionNode, InferredUnit)] = []
    for argument in arguments { typed.append((argument, try visit(argument, &adopted))) }
    switch rule {
    case .pureNumber:
      for (node, inferred) in typed {
        try requirePureNumber(
          node, inferred, context: context, role: "\(name) needs a dimensionless argument")
      }
      return typed.allSatisfy { $0.1 == .flexible } ? .flexible : .unit(.dimensionless)
    case .sameUnit:
      return try same(
        typed, context: context, clash: "are arguments of one \(name) and need one unit", &adopted)
    case .pureNumberResult:
      return .unit(.dimensionless)
    case .squareRoot:
      guard case .unit(let unit) = typed[0].1 else { return .flexible }
      return .unit(unit.squareRoot())
    case .power:
      let (exponentNode, exponentUnit) = typed[1]
      try requirePureNumber(
        exponentNode, exponentUnit, context: context, role: "an exponent must be a plain number")
      let constant: Double? =
        switch exponentNode {
        case .number(let x): x
        case .negate(.number(let x)): -x
        default: nil
        }
      return try power(typed[0].0, typed[0].1, exponent: constant, context: context)
    }
  }
}
