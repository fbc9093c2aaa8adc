/// How ``CSource`` cuts a program into consecutive blocks of instructions, one C function each,
/// and which values each block reads and passes on.
///
/// A result used in a later block is stored in a temporary array `t` (one slot per such result;
/// for lanes, `tile` entries per slot) and loaded again where it is used; inputs are read from the
/// input blocks wherever they are needed; an output is written by the block that computes it
/// (outputs that are inputs or constants by the first block).
struct BlockLayout {
  /// Instruction indices of each block.
  var blocks: [Range<Int>] = []
  /// Input slots each block reads.
  var inputs: [[Int]] = []
  /// Results of earlier blocks that each block reads.
  var imports: [[Int]] = []
  /// Results of each block that later blocks read.
  var exports: [[Int]] = []
  /// Outputs each block writes.
  var outputs: [[Int]] = []
  /// The temporary slot of each exported result.
  var slot: [Int: Int] = [:]
  var slotCount = 0
  /// Lanes per pass through the blocks in the batched entry point.
  var tile = 16

  init(_ program: ExpressionProgram, blockSize: Int) {
    let count = program.instructionCount
    let first = program.firstResult
    blocks = stride(from: 0, to: max(count, 1), by: blockSize).map { $0..<min($0 + blockSize, count) }
    let blockOf = { (instruction: Int) in instruction / blockSize }
    inputs = Array(repeating: [], count: blocks.count)
    imports = inputs
    exports = inputs
    outputs = inputs
    var inputSeen = Array(repeating: Set<Int>(), count: blocks.count)
    var importSeen = inputSeen
    for (k, instruction) in program.instructions.enumerated() {
      let b = blockOf(k)
      for operand in instruction.operands {
        if operand < program.inputCount {
          if inputSeen[b].insert(operand).inserted { inputs[b].append(operand) }
        } else if operand >= first {
          let j = operand - first
          guard blockOf(j) < b else { continue }
          if importSeen[b].insert(j).inserted { imports[b].append(j) }
          if slot[j] == nil {
            slot[j] = slotCount
            slotCount += 1
            exports[blockOf(j)].append(j)
          }
        }
      }
    }
    for (k, value) in program.outputs.enumerated() {
      let b = value >= first ? blockOf(value - first) : 0
      outputs[b].append(k)
      if value < program.inputCount, inputSeen[b].insert(value).inserted { inputs[b].append(value) }
    }
    for b in exports.indices { exports[b].sort() }
    tile = [16, 8, 4].first { slotCount * $0 * 8 <= CSource.stackLimit } ?? 4
  }
}
