/// An instruction with physical register numbers, as the interpreter runs it.
struct PackedInstruction {
  var operation: ExpressionProgram.Operation
  /// Destination register.
  var d: Int32
  /// Operand registers (0 where the operation has fewer operands).
  var a: Int32
  var b: Int32
  var c: Int32
}

/// Maps a program's values to a small register file for the interpreter: inputs and constants
/// keep their numbers, and instruction results share registers once their last reader has run
/// (linear scan over the straight-line code). A result may take the register of an operand that
/// dies at the same instruction, which is safe because every operation reads all its operands,
/// lane by lane, before writing.
struct RegisterAllocation {
  var code: [PackedInstruction] = []
  /// The register holding each output.
  var outputs: [Int32] = []
  /// Registers needed: inputs, constants and the most results alive at once.
  var registerCount = 0

  init(_ program: ExpressionProgram) {
    let firstResult = program.firstResult
    let count = program.instructionCount
    var lastUse = [Int](repeating: -1, count: count)
    for (k, instruction) in program.instructions.enumerated() {
      for operand in instruction.operands where operand >= firstResult { lastUse[operand - firstResult] = k }
    }
    for output in program.outputs where output >= firstResult { lastUse[output - firstResult] = .max }

    var register = [Int32](repeating: -1, count: count)
    var free: [Int32] = []
    var next = Int32(firstResult)
    func physical(_ value: Int) -> Int32 { value < firstResult ? Int32(value) : register[value - firstResult] }
    code.reserveCapacity(count)
    for (k, instruction) in program.instructions.enumerated() {
      let operands = instruction.operands
      let registers = operands.map(physical) + [0, 0]
      var released = Set<Int>()
      for operand in operands where operand >= firstResult && lastUse[operand - firstResult] == k {
        if released.insert(operand).inserted { free.append(register[operand - firstResult]) }
      }
      let d: Int32
      if let reused = free.popLast() {
        d = reused
      } else {
        d = next
        next += 1
      }
      register[k] = d
      code.append(PackedInstruction(operation: instruction.operation, d: d, a: registers[0], b: registers[1],
                                    c: registers[2]))
    }
    outputs = program.outputs.map(physical)
    registerCount = Int(next)
  }
}
