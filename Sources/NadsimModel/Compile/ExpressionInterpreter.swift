/// Runs an ``ExpressionProgram`` in Swift, one scenario at a time or many at once.
///
/// The batched entry point amortises each instruction's dispatch over the lanes: an instruction
/// runs over all lanes (four at a time, in `SIMD4<Double>`) before the next one is decoded.
/// Lanes are processed in tiles of ``laneTile``. Results are bit-identical to the scalar entry
/// point and to ``NativeProgram`` (same operations in the same order; SIMD arithmetic and square
/// root are IEEE-exact per lane; `exp`, `log`, `log10` and `pow` are called per lane).
///
/// All registers are allocated at construction; evaluating allocates nothing. An interpreter is
/// not thread-safe (its registers are shared by calls): use one per thread.
public final class ExpressionInterpreter {
  public let program: ExpressionProgram
  /// Input slots below this come from the `leading` block, the others from `trailing`.
  public let leadingInputCount: Int
  /// Lanes per tile of the batched evaluator.
  public static let laneTile = 64
  private static let chunksPerRow = laneTile / 4

  private let code: UnsafeMutableBufferPointer<PackedInstruction>
  private let outputRegisters: UnsafeMutableBufferPointer<Int32>
  private let registerCount: Int
  private let scalarRegisters: UnsafeMutablePointer<Double>
  /// Row r (lanes 0..<laneTile of register r) starts at `laneRegisters + r · laneTile / 4`.
  private let laneRegisters: UnsafeMutablePointer<SIMD4<Double>>

  /// Prepares `program`; `leadingInputCount` splits the inputs for
  /// ``evaluate(leading:trailing:outputs:)`` (default: all inputs lead).
  public init(_ program: ExpressionProgram, leadingInputCount: Int? = nil) {
    let split = leadingInputCount ?? program.inputCount
    precondition(split >= 0 && split <= program.inputCount, "the leading block must lie within the inputs")
    self.program = program
    self.leadingInputCount = split
    let allocation = RegisterAllocation(program)
    registerCount = allocation.registerCount
    code = .allocate(capacity: allocation.code.count)
    _ = code.initialize(from: allocation.code)
    outputRegisters = .allocate(capacity: allocation.outputs.count)
    _ = outputRegisters.initialize(from: allocation.outputs)
    scalarRegisters = .allocate(capacity: max(registerCount, 1))
    scalarRegisters.initialize(repeating: 0, count: max(registerCount, 1))
    let rows = max(registerCount, 1) * Self.chunksPerRow
    laneRegisters = .allocate(capacity: rows)
    laneRegisters.initialize(repeating: .zero, count: rows)
    for (k, value) in program.constants.enumerated() {
      let r = program.inputCount + k
      scalarRegisters[r] = value
      (laneRegisters + r * Self.chunksPerRow).update(repeating: SIMD4(repeating: value), count: Self.chunksPerRow)
    }
  }

  deinit {
    code.deallocate()
    outputRegisters.deallocate()
    scalarRegisters.deallocate()
    laneRegisters.deallocate()
  }

  /// How many registers (inputs, constants, live results) the interpreter uses.
  public var registers: Int { registerCount }

  /// Evaluates one scenario: reads `program.inputCount` inputs, writes `program.outputCount`
  /// outputs.
  public func evaluate(inputs: UnsafePointer<Double>, outputs: UnsafeMutablePointer<Double>) {
    evaluate(leading: inputs, trailing: inputs + leadingInputCount, outputs: outputs)
  }

  /// Evaluates one scenario whose inputs are in two blocks: slot i < ``leadingInputCount`` at
  /// `leading[i]`, the others at `trailing[i − leadingInputCount]`.
  public func evaluate(leading: UnsafePointer<Double>, trailing: UnsafePointer<Double>,
                       outputs: UnsafeMutablePointer<Double>) {
    let r = scalarRegisters
    let split = leadingInputCount
    for i in 0..<split { r[i] = leading[i] }
    for i in split..<program.inputCount { r[i] = trailing[i - split] }
    for instruction in code {
      let d = Int(instruction.d), a = Int(instruction.a), b = Int(instruction.b)
      switch instruction.operation {
      case .negate: r[d] = -r[a]
      case .add: r[d] = r[a] + r[b]
      case .subtract: r[d] = r[a] - r[b]
      case .multiply: r[d] = r[a] * r[b]
      case .divide: r[d] = r[a] / r[b]
      case .power: r[d] = ScalarSemantics.power(r[a], r[b])
      case .exp: r[d] = ScalarSemantics.exponential(r[a])
      case .log: r[d] = ScalarSemantics.naturalLogarithm(r[a])
      case .log10: r[d] = ScalarSemantics.commonLogarithm(r[a])
      case .sqrt: r[d] = r[a].squareRoot()
      case .abs: r[d] = r[a].magnitude
      case .min: r[d] = ScalarSemantics.minimum(r[a], r[b])
      case .max: r[d] = ScalarSemantics.maximum(r[a], r[b])
      case .less: r[d] = r[a] < r[b] ? 1 : 0
      case .lessOrEqual: r[d] = r[a] <= r[b] ? 1 : 0
      case .greater: r[d] = r[a] > r[b] ? 1 : 0
      case .greaterOrEqual: r[d] = r[a] >= r[b] ? 1 : 0
      case .equal: r[d] = r[a] == r[b] ? 1 : 0
      case .notEqual: r[d] = r[a] != r[b] ? 1 : 0
      case .and: r[d] = r[a] != 0 && r[b] != 0 ? 1 : 0
      case .or: r[d] = r[a] != 0 || r[b] != 0 ? 1 : 0
      case .not: r[d] = r[a] == 0 ? 1 : 0
      case .select: r[d] = r[a] != 0 ? r[b] : r[Int(instruction.c)]
      }
    }
    for (k, register) in outputRegisters.enumerated() { outputs[k] = r[Int(register)] }
  }

  /// Evaluates `lanes` scenarios stored lane-contiguous: input i of lane l at
  /// `inputs[i·lanes + l]`, output k of lane l at `outputs[k·lanes + l]`. Any `lanes ≥ 1`.
  public func evaluate(lanes: Int, inputs: UnsafePointer<Double>, outputs: UnsafeMutablePointer<Double>) {
    evaluate(lanes: lanes, leading: inputs, trailing: inputs + leadingInputCount * lanes, outputs: outputs)
  }

  /// Evaluates `lanes` scenarios with inputs in two lane-contiguous blocks (slot i of lane l at
  /// `leading[i·lanes + l]`, or at `trailing[(i − leadingInputCount)·lanes + l]`).
  public func evaluate(lanes: Int, leading: UnsafePointer<Double>, trailing: UnsafePointer<Double>,
                       outputs: UnsafeMutablePointer<Double>) {
    precondition(lanes >= 1, "at least one lane")
    if lanes == 1 {
      evaluate(leading: leading, trailing: trailing, outputs: outputs)
      return
    }
    var start = 0
    while start < lanes {
      let n = min(Self.laneTile, lanes - start)
      runTile(lanes: lanes, start: start, count: n, leading: leading, trailing: trailing, outputs: outputs)
      start += n
    }
  }

  /// One tile of up to ``laneTile`` lanes. Rows are processed in whole SIMD4 chunks; the lanes
  /// past `count` in the last chunk start as zeros in the inputs and are never written out.
  private func runTile(lanes: Int, start: Int, count n: Int, leading: UnsafePointer<Double>,
                       trailing: UnsafePointer<Double>, outputs: UnsafeMutablePointer<Double>) {
    let rowStride = Self.chunksPerRow
    let chunks = (n + 3) / 4
    let padded = chunks * 4
    let rows = laneRegisters
    let flat = UnsafeMutableRawPointer(rows).assumingMemoryBound(to: Double.self)
    // Rows are copied with explicit loops: a call to memmove per row would cost more than the
    // copy for a few lanes.
    let whole = n / 4
    for i in 0..<program.inputCount {
      let block = i < leadingInputCount ? leading + i * lanes : trailing + (i - leadingInputCount) * lanes
      let source = UnsafeRawPointer(block + start)
      let row = rows + i * rowStride
      for j in 0..<whole { row[j] = source.loadUnaligned(fromByteOffset: 32 * j, as: SIMD4<Double>.self) }
      if whole < chunks {
        var last = SIMD4<Double>(repeating: 0)
        for j in 0..<(n - 4 * whole) { last[j] = source.load(fromByteOffset: 32 * whole + 8 * j, as: Double.self) }
        row[whole] = last
      }
    }
    let zero = SIMD4<Double>(repeating: 0), one = SIMD4<Double>(repeating: 1)
    let signBit = SIMD4<UInt64>(repeating: 1 << 63)
    for instruction in code {
      let d = rows + Int(instruction.d) * rowStride
      let a = rows + Int(instruction.a) * rowStride
      let b = rows + Int(instruction.b) * rowStride
      switch instruction.operation {
      // SIMD's prefix minus is 0 − a, which turns −0 into +0; flip the sign bit instead.
      case .negate: for j in 0..<chunks { d[j] = Self.bits(Self.bits(a[j]) ^ signBit) }
      case .add: for j in 0..<chunks { d[j] = a[j] + b[j] }
      case .subtract: for j in 0..<chunks { d[j] = a[j] - b[j] }
      case .multiply: for j in 0..<chunks { d[j] = a[j] * b[j] }
      case .divide: for j in 0..<chunks { d[j] = a[j] / b[j] }
      case .sqrt: for j in 0..<chunks { d[j] = a[j].squareRoot() }
      case .min: for j in 0..<chunks { d[j] = a[j].replacing(with: b[j], where: b[j] .< a[j]) }
      case .max: for j in 0..<chunks { d[j] = a[j].replacing(with: b[j], where: b[j] .> a[j]) }
      case .less: for j in 0..<chunks { d[j] = zero.replacing(with: one, where: a[j] .< b[j]) }
      case .lessOrEqual: for j in 0..<chunks { d[j] = zero.replacing(with: one, where: a[j] .<= b[j]) }
      case .greater: for j in 0..<chunks { d[j] = zero.replacing(with: one, where: a[j] .> b[j]) }
      case .greaterOrEqual: for j in 0..<chunks { d[j] = zero.replacing(with: one, where: a[j] .>= b[j]) }
      case .equal: for j in 0..<chunks { d[j] = zero.replacing(with: one, where: a[j] .== b[j]) }
      case .notEqual: for j in 0..<chunks { d[j] = zero.replacing(with: one, where: a[j] .!= b[j]) }
      case .and:
        for j in 0..<chunks { d[j] = zero.replacing(with: one, where: (a[j] .!= zero) .& (b[j] .!= zero)) }
      case .or:
        for j in 0..<chunks { d[j] = zero.replacing(with: one, where: (a[j] .!= zero) .| (b[j] .!= zero)) }
      case .not: for j in 0..<chunks { d[j] = zero.replacing(with: one, where: a[j] .== zero) }
      case .select:
        let c = rows + Int(instruction.c) * rowStride
        for j in 0..<chunks { d[j] = c[j].replacing(with: b[j], where: a[j] .!= zero) }
      case .abs: for j in 0..<chunks { d[j] = Self.bits(Self.bits(a[j]) & ~signBit) }
      case .exp:
        let (fd, fa) = (Self.lanes(d), Self.lanes(a))
        for j in 0..<padded { fd[j] = ScalarSemantics.exponential(fa[j]) }
      case .log:
        let (fd, fa) = (Self.lanes(d), Self.lanes(a))
        for j in 0..<padded { fd[j] = ScalarSemantics.naturalLogarithm(fa[j]) }
      case .log10:
        let (fd, fa) = (Self.lanes(d), Self.lanes(a))
        for j in 0..<padded { fd[j] = ScalarSemantics.commonLogarithm(fa[j]) }
      case .power:
        let (fd, fa, fb) = (Self.lanes(d), Self.lanes(a), Self.lanes(b))
        for j in 0..<padded { fd[j] = ScalarSemantics.power(fa[j], fb[j]) }
      }
    }
    for (k, register) in outputRegisters.enumerated() {
      let row = flat + Int(register) * Self.laneTile
      let destination = outputs + k * lanes + start
      for j in 0..<n { destination[j] = row[j] }
    }
  }

  @inline(__always)
  private static func bits(_ v: SIMD4<Double>) -> SIMD4<UInt64> { unsafeBitCast(v, to: SIMD4<UInt64>.self) }

  @inline(__always)
  private static func bits(_ v: SIMD4<UInt64>) -> SIMD4<Double> { unsafeBitCast(v, to: SIMD4<Double>.self) }

  @inline(__always)
  private static func lanes(_ row: UnsafeMutablePointer<SIMD4<Double>>) -> UnsafeMutablePointer<Double> {
    UnsafeMutableRawPointer(row).assumingMemoryBound(to: Double.self)
  }
}
