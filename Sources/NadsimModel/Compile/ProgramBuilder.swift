/// Lowers expressions to instructions with structural hashing and exact folding (the rules are
/// listed on ``ExpressionProgram``).
struct ProgramBuilder {
  /// A value while building: instruction indices are final only after dead code is dropped.
  enum Ref: Hashable, Comparable {
    case input(Int)
    case constant(Int)
    case instruction(Int)
  }

  struct Node: Hashable {
    var operation: ExpressionProgram.Operation
    var operands: [Ref]
  }

  let inputCount: Int
  /// The input slot of every symbol (checked by the caller).
  let slots: [String: Int]
  var constants: [Double] = []
  var constantIndex: [UInt64: Int] = [:]
  var nodes: [Node] = []
  var nodeIndex: [Node: Int] = [:]

  init(inputCount: Int, slots: [String: Int]) {
    self.inputCount = inputCount
    self.slots = slots
  }

  // MARK: - Lowering

  mutating func lower(_ e: Expression) -> Ref {
    switch e {
    case .number(let value):
      return constant(value)
    case .symbol(let name):
      return .input(slots[name]!)
    case .negate(let a):
      return emit(.negate, [lower(a)])
    case .not(let a):
      return emit(.not, [lower(a)])
    case .binary(let op, let a, let b):
      let (x, y) = (lower(a), lower(b))
      switch op {
      case .add: return emit(.add, [x, y])
      case .subtract: return emit(.subtract, [x, y])
      case .multiply: return emit(.multiply, [x, y])
      case .divide: return emit(.divide, [x, y])
      case .power: return emit(.power, [x, y])
      }
    case .comparison(let op, let a, let b):
      let (x, y) = (lower(a), lower(b))
      switch op {
      case .less: return emit(.less, [x, y])
      case .lessOrEqual: return emit(.lessOrEqual, [x, y])
      case .greater: return emit(.greater, [x, y])
      case .greaterOrEqual: return emit(.greaterOrEqual, [x, y])
      case .equal: return emit(.equal, [x, y])
      case .notEqual: return emit(.notEqual, [x, y])
      }
    case .logical(let op, let a, let b):
      let (x, y) = (lower(a), lower(b))
      return emit(op == .and ? .and : .or, [x, y])
    case .call(let function, let arguments):
      let values = arguments.map { lower($0) }
      switch function {
      case .exp: return emit(.exp, values)
      case .log: return emit(.log, values)
      case .log10: return emit(.log10, values)
      case .sqrt: return emit(.sqrt, values)
      case .abs: return emit(.abs, values)
      case .pow: return emit(.power, values)
      case .min, .max:
        let operation: ExpressionProgram.Operation = function == .min ? .min : .max
        return values.dropFirst().reduce(values[0]) { emit(operation, [$0, $1]) }
      }
    case .piecewise(let pieces, let otherwise):
      let lowered = pieces.map { (value: lower($0.value), condition: lower($0.condition)) }
      var result = lower(otherwise)
      for piece in lowered.reversed() { result = emit(.select, [piece.condition, piece.value, result]) }
      return result
    }
  }

  mutating func constant(_ value: Double) -> Ref {
    if let k = constantIndex[value.bitPattern] { return .constant(k) }
    constants.append(value)
    constantIndex[value.bitPattern] = constants.count - 1
    return .constant(constants.count - 1)
  }

  func constantValue(_ ref: Ref) -> Double? {
    if case .constant(let k) = ref { return constants[k] }
    return nil
  }

  /// Whether `ref` is the constant with exactly this bit pattern.
  func isConstant(_ ref: Ref, _ value: Double) -> Bool {
    constantValue(ref)?.bitPattern == value.bitPattern
  }

  /// The instruction for `operation` on `operands`, after folding and hashing.
  mutating func emit(_ operation: ExpressionProgram.Operation, _ operands: [Ref]) -> Ref {
    let values = operands.compactMap(constantValue)
    if values.count == operands.count {
      let padded = values + [0, 0]
      return constant(operation.apply(padded[0], padded[1], padded[2]))
    }
    if let folded = identity(operation, operands) { return folded }
    var node = Node(operation: operation, operands: operands)
    if operation.isCommutative && node.operands[1] < node.operands[0] { node.operands.swapAt(0, 1) }
    if let k = nodeIndex[node] { return .instruction(k) }
    nodes.append(node)
    nodeIndex[node] = nodes.count - 1
    return .instruction(nodes.count - 1)
  }

  /// Exact simplifications: each gives the same bits as the operation itself for every input.
  mutating func identity(_ operation: ExpressionProgram.Operation, _ operands: [Ref]) -> Ref? {
    let a = operands[0]
    switch operation {
    case .multiply:
      if isConstant(operands[1], 1) { return a }
      if isConstant(a, 1) { return operands[1] }
    case .divide:
      if isConstant(operands[1], 1) { return a }
    case .subtract:
      if isConstant(operands[1], 0) { return a }
    case .add:
      if isConstant(operands[1], -0.0) { return a }
      if isConstant(a, -0.0) { return operands[1] }
    case .negate:
      if case .instruction(let k) = a, nodes[k].operation == .negate { return nodes[k].operands[0] }
    case .power:
      // pow(x, ±0) = 1 and pow(x, 1) = x exactly (C99 F.9.4.4; glibc's pow errs < 1 ulp, so an
      // exact result is returned exactly); ^2 is x·x by definition.
      if let b = constantValue(operands[1]) {
        if b == 0 { return constant(1) }
        if b == 1 { return a }
        if b == 2 { return emit(.multiply, [a, a]) }
      }
    case .min, .max:
      if a == operands[1] { return a }
    case .select:
      if let c = constantValue(a) { return ScalarSemantics.isTrue(c) ? operands[1] : operands[2] }
      if operands[1] == operands[2] { return operands[1] }
    default:
      break
    }
    return nil
  }

  // MARK: - Finishing

  /// Drops unused instructions and constants (folding leaves some behind) and numbers the values.
  func finish(outputs roots: [Ref]) -> ExpressionProgram {
    var live = [Bool](repeating: false, count: nodes.count)
    var constantUsed = [Bool](repeating: false, count: constants.count)
    func mark(_ ref: Ref) {
      switch ref {
      case .instruction(let k): live[k] = true
      case .constant(let k): constantUsed[k] = true
      case .input: break
      }
    }
    roots.forEach(mark)
    for k in stride(from: nodes.count - 1, through: 0, by: -1) where live[k] { nodes[k].operands.forEach(mark) }
    var keptConstants: [Double] = []
    var constantNumber = [Int](repeating: -1, count: constants.count)
    for (k, value) in constants.enumerated() where constantUsed[k] {
      constantNumber[k] = keptConstants.count
      keptConstants.append(value)
    }
    let firstResult = inputCount + keptConstants.count
    var newIndex = [Int](repeating: -1, count: nodes.count)
    var instructions: [ExpressionProgram.Instruction] = []
    func value(_ ref: Ref) -> Int {
      switch ref {
      case .input(let k): return k
      case .constant(let k): return inputCount + constantNumber[k]
      case .instruction(let k): return firstResult + newIndex[k]
      }
    }
    for (k, node) in nodes.enumerated() where live[k] {
      let operands = node.operands.map(value) + [-1, -1]
      newIndex[k] = instructions.count
      instructions.append(.init(node.operation, operands[0], operands[1], operands[2]))
    }
    return ExpressionProgram(inputCount: inputCount, constants: keptConstants, instructions: instructions,
                             outputs: roots.map(value))
  }
}
