/// Expressions seen by unit inference: the same tree in the inference layer's vocabulary.
extension Expression {
  var unitNode: UnitExpressionNode {
    switch self {
    case .number(let x): return .number(x)
    case .symbol(let name): return .symbol(name)
    case .negate(let a): return .negate(a.unitNode)
    case .binary(let op, let a, let b):
      switch op {
      case .add: return .add(a.unitNode, b.unitNode)
      case .subtract: return .subtract(a.unitNode, b.unitNode)
      case .multiply: return .multiply(a.unitNode, b.unitNode)
      case .divide: return .divide(a.unitNode, b.unitNode)
      case .power: return .power(a.unitNode, exponent: b.numberValue)
      }
    case .call(let function, let arguments):
      let name = function == .log ? "ln" : function.rawValue
      if function == .pow { return .power(arguments[0].unitNode, exponent: arguments[1].numberValue) }
      return .function(name, arguments.map(\.unitNode))
    case .comparison(_, let a, let b): return .compare(a.unitNode, b.unitNode)
    case .logical(_, let a, let b): return .function("and", [a.unitNode, b.unitNode])
    case .not(let a): return .function("not", [a.unitNode])
    case .piecewise(let pieces, let otherwise):
      return .piecewise(values: pieces.map(\.value.unitNode) + [otherwise.unitNode],
                        conditions: pieces.map(\.condition.unitNode))
    }
  }
}
