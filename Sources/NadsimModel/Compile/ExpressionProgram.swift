/// Expressions compiled into a straight-line program over numbered inputs: what the
/// ``ExpressionInterpreter`` runs and ``NativeProgram`` turns into C.
///
/// Values are numbered in one space: inputs `0..<inputCount`, then the ``constants``, then one
/// value per instruction, in order. Every instruction reads values defined before it, so running
/// the instructions in order evaluates every output.
///
/// Compilation keeps each expression's value bit for bit (as ``Expression/value(_:)`` computes
/// it): it never regroups or fuses arithmetic. What it does do:
/// - **common subexpressions**: structurally equal operations on the same operands are computed
///   once (structural hashing; operands of commutative operations are put in a fixed order, so
///   `a*b` and `b*a` share);
/// - **constant folding**: an operation on constants becomes a constant, computed with
///   ``ScalarSemantics`` exactly as at run time;
/// - **exact identities only**: x·1, x/1, x − (+0), x + (−0), −(−x), x^1 → x; x^0 → 1;
///   x^2 → x·x (the definition of ^); min(x, x), max(x, x), a select with equal branches or a
///   constant condition; not x·0 → 0, which is wrong for ∞ and NaN;
/// - `piecewise` becomes a chain of selects: every branch is computed and the first that holds is
///   chosen, so the program has no jumps (and vectorises across lanes);
/// - instructions whose results are never used are dropped.
public struct ExpressionProgram: Hashable, Sendable {
  /// One step: `operation` applied to values `first`, `second`, `third` (those beyond
  /// ``Operation/operandCount`` are −1).
  public struct Instruction: Hashable, Sendable {
    public var operation: Operation
    public var first: Int
    public var second: Int
    public var third: Int

    public init(_ operation: Operation, _ first: Int, _ second: Int = -1, _ third: Int = -1) {
      self.operation = operation
      self.first = first
      self.second = second
      self.third = third
    }

    /// The values read, in order.
    public var operands: [Int] { Array([first, second, third].prefix(operation.operandCount)) }
  }

  public let inputCount: Int
  public let constants: [Double]
  public let instructions: [Instruction]
  /// The value that each output takes.
  public let outputs: [Int]

  public var outputCount: Int { outputs.count }
  public var instructionCount: Int { instructions.count }

  /// Index of the first instruction result in the value space.
  public var firstResult: Int { inputCount + constants.count }

  /// Compiles `outputs` over `inputCount` inputs.
  /// - Parameters:
  ///   - outputs: one expression per output, in output order.
  ///   - inputCount: how many input slots there are.
  ///   - slot: the input slot of each symbol, or nil for a name that is not an input.
  /// - Throws: ``ExpressionProgramError/unknownSymbols(_:)`` listing every name `slot` did not
  ///   know, or ``ExpressionProgramError/slotOutOfRange(symbol:slot:inputCount:)``.
  public init(outputs: [Expression], inputCount: Int, slot: (String) -> Int?) throws(ExpressionProgramError) {
    precondition(inputCount >= 0)
    var slots: [String: Int] = [:]
    var unknown: [String] = []
    for name in outputs.reduce(into: Set<String>(), { $0.formUnion($1.symbols) }) {
      guard let k = slot(name) else {
        unknown.append(name)
        continue
      }
      guard k >= 0, k < inputCount else {
        throw .slotOutOfRange(symbol: name, slot: k, inputCount: inputCount)
      }
      slots[name] = k
    }
    if !unknown.isEmpty { throw .unknownSymbols(unknown.sorted()) }
    var builder = ProgramBuilder(inputCount: inputCount, slots: slots)
    let roots = outputs.map { builder.lower($0) }
    self = builder.finish(outputs: roots)
  }

  init(inputCount: Int, constants: [Double], instructions: [Instruction], outputs: [Int]) {
    self.inputCount = inputCount
    self.constants = constants
    self.instructions = instructions
    self.outputs = outputs
  }

  /// Where a value comes from.
  public enum Source: Hashable, Sendable {
    case input(Int)
    case constant(Double)
    case instruction(Int)
  }

  public func source(of value: Int) -> Source {
    if value < inputCount { return .input(value) }
    if value < firstResult { return .constant(constants[value - inputCount]) }
    return .instruction(value - firstResult)
  }

  /// How many instructions of each operation the program has.
  public func count(of operation: Operation) -> Int {
    instructions.reduce(0) { $0 + ($1.operation == operation ? 1 : 0) }
  }
}

extension ExpressionProgram: CustomStringConvertible {
  /// A listing, one instruction per line (`v12 = mul in3, c0`), then the outputs.
  public var description: String {
    func name(_ value: Int) -> String {
      switch source(of: value) {
      case .input(let i): return "in\(i)"
      case .constant(let c): return "\(c)"
      case .instruction(let k): return "v\(k)"
      }
    }
    var lines: [String] = []
    for (k, instruction) in instructions.enumerated() {
      lines.append("v\(k) = \(instruction.operation.mnemonic) " + instruction.operands.map(name).joined(separator: ", "))
    }
    for (k, value) in outputs.enumerated() { lines.append("out\(k) = \(name(value))") }
    return lines.joined(separator: "\n")
  }
}
