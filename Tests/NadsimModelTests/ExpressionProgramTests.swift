import Testing
import NadsimModel

/// Compiles text formulas over the named inputs (slot = position in `inputs`).
func compile(_ outputs: [String], inputs: [String]) throws -> ExpressionProgram {
  try ExpressionProgram(outputs: outputs.map(parsed), inputCount: inputs.count, slot: { inputs.firstIndex(of: $0) })
}

@Suite("Expression programs")
struct ExpressionProgramTests {
  @Test("a repeated subexpression is computed once, also across outputs and operand order")
  func commonSubexpressions() throws {
    let twice = try compile(["a*b + a*b"], inputs: ["a", "b"])
    #expect(twice.instructionCount == 2)  // one multiply, one add
    #expect(twice.count(of: .multiply) == 1)

    let rate = try compile(["Vmax * S / (Km + S)", "Km + S", "Vmax * Km / (Km + S)^2"], inputs: ["Vmax", "S", "Km"])
    #expect(rate.count(of: .add) == 1)
    // Vmax*S, Vmax*Km, (Km+S)·(Km+S), two divisions: 3 multiplies.
    #expect(rate.count(of: .multiply) == 3)
    #expect(rate.instructionCount == 6)

    let commuted = try compile(["a*b - b*a", "exp(a) + exp(a) * b"], inputs: ["a", "b"])
    #expect(commuted.count(of: .multiply) == 2)  // a*b, exp(a)*b
    #expect(commuted.count(of: .exp) == 1)
  }

  @Test("a rate law and its derivatives share their subexpressions")
  func jacobianSharesWithRate() throws {
    let rate = parsed("Vmax * S / (Km * (1 + I / Ki) + S)")
    let outputs = [rate] + ["S", "I"].map { rate.derivative(withRespectTo: $0) }
    let names = ["Vmax", "S", "Km", "I", "Ki"]
    let program = try ExpressionProgram(outputs: outputs, inputCount: names.count, slot: { names.firstIndex(of: $0) })
    // I/Ki, 1 + I/Ki and the denominator are computed once for all three outputs.
    #expect(program.count(of: .add) == 2)
    #expect(program.instructions.filter { $0.operation == .divide && $0.first == 3 && $0.second == 4 }.count == 1)
  }

  @Test("constants fold, exact identities vanish, x·0 stays (it is NaN for x = ∞)")
  func folding() throws {
    let folded = try compile(["2*3 + x"], inputs: ["x"])
    #expect(folded.instructionCount == 1)
    #expect(folded.constants == [6])

    let identities = try compile(["x * 1", "x / 1", "1 * x", "--x", "x^1", "x - 0", "min(x, x)", "piecewise(x, 1 < 2, 7)"],
                                 inputs: ["x"])
    #expect(identities.instructionCount == 0)
    #expect(identities.outputs == [Int](repeating: 0, count: 8))

    let power = try compile(["x^2", "x^0", "pow(x, 2)"], inputs: ["x"])
    #expect(power.instructions == [.init(.multiply, 0, 0)])
    #expect(power.source(of: power.outputs[1]) == .constant(1))

    let zero = try compile(["x * 0"], inputs: ["x"])
    #expect(zero.count(of: .multiply) == 1)
    #expect(try compile(["exp(0) + log(1)"], inputs: []).constants == [1])
  }

  @Test("piecewise becomes a chain of selects")
  func piecewiseLowering() throws {
    let program = try compile(["piecewise(a, t < 1, b, t < 2, c)"], inputs: ["t", "a", "b", "c"])
    #expect(program.count(of: .select) == 2)
    #expect(program.count(of: .less) == 2)
  }

  @Test("unknown names are all listed, sorted, in the error")
  func unknownNames() {
    #expect(throws: ExpressionProgramError.unknownSymbols(["bar", "foo"])) {
      try compile(["a + foo", "bar * foo"], inputs: ["a"])
    }
    #expect(ExpressionProgramError.unknownSymbols(["bar", "foo"]).description == "unknown names: 'bar', 'foo'")
    #expect(ExpressionProgramError.unknownSymbols(["kcat"]).description == "unknown name: 'kcat'")
    #expect(throws: ExpressionProgramError.slotOutOfRange(symbol: "a", slot: 3, inputCount: 2)) {
      try ExpressionProgram(outputs: [parsed("a")], inputCount: 2, slot: { _ in 3 })
    }
  }

  @Test("the interpreter computes hand-checked values")
  func interpreterValues() throws {
    let names = ["kcat", "E", "S", "Km", "t", "x", "nan"]
    let program = try compile([
      "kcat * E * S / (Km + S)",          // 2·0.5·3/(1 + 3) = 0.75
      "piecewise(10, t < 5, 20)",         // t = 4 → 10
      "min(3, x, 2) + max(x, 1, -4)",     // x = −2: −2 + 1 = −1
      "abs(x) * sqrt(16) - 2^3^2",        // 2·4 − 512 = −504
      "exp(x - x) + log10(1000) + log(1)", // 1 + 3 + 0 = 4
      "(t >= 4) + (t != 4) * 10 + !(x < 0) * 100 + (x < 0 && t > 3) * 1000 + (x > 0 || t > 5) * 10000",  // 1 + 0 + 0 + 1000 + 0
      "min(nan, 1)",                      // b < a is false with NaN: a = NaN
      "min(1, nan)",                      // 1
      "-x^2",                             // −4
    ], inputs: names)
    let interpreter = ExpressionInterpreter(program)
    let inputs: [Double] = [2, 0.5, 3, 1, 4, -2, .nan]
    var outputs = [Double](repeating: 0, count: program.outputCount)
    interpreter.evaluate(inputs: inputs, outputs: &outputs)
    #expect(Array(outputs[0..<6]) == [0.75, 10, -1, -504, 4, 1001])
    #expect(outputs[6].isNaN)
    #expect(Array(outputs[7...]) == [1, -4])

    var later = inputs
    later[4] = 6
    interpreter.evaluate(inputs: later, outputs: &outputs)
    #expect(outputs[1] == 20)
  }

  @Test("the interpreter agrees with the tree evaluator bit for bit (random expressions and inputs)")
  func interpreterMatchesTree() throws {
    let names = ["x", "y", "z", "w"]
    var generator = RandomExpressions(seed: 11, symbols: names)
    let expressions = (0..<400).map { _ in generator.any(depth: 5) }
    let program = try ExpressionProgram(outputs: expressions, inputCount: names.count, slot: { names.firstIndex(of: $0) })
    let interpreter = ExpressionInterpreter(program)
    var outputs = [Double](repeating: 0, count: expressions.count)
    for _ in 0..<50 {
      let inputs = (0..<names.count).map { _ in generator.input() }
      interpreter.evaluate(inputs: inputs, outputs: &outputs)
      for (k, e) in expressions.enumerated() {
        let expected = e.value { names.firstIndex(of: $0).map { inputs[$0] } }!
        #expect(identical(outputs[k], expected), "\(e) at \(inputs): \(outputs[k]) vs \(expected)")
      }
    }
  }

  @Test("batched interpretation equals lane-by-lane scalar interpretation", arguments: [1, 2, 3, 8, 17, 64, 100])
  func batchedMatchesScalar(lanes: Int) throws {
    let names = ["x", "y", "z"]
    var generator = RandomExpressions(seed: UInt64(lanes), symbols: names)
    let expressions = (0..<150).map { _ in generator.any(depth: 4) }
    let program = try ExpressionProgram(outputs: expressions, inputCount: names.count, slot: { names.firstIndex(of: $0) })
    let interpreter = ExpressionInterpreter(program)
    let m = program.outputCount
    var batchInputs = [Double](repeating: 0, count: names.count * lanes)
    for k in batchInputs.indices { batchInputs[k] = generator.input() }
    var batchOutputs = [Double](repeating: 0, count: m * lanes)
    interpreter.evaluate(lanes: lanes, inputs: batchInputs, outputs: &batchOutputs)
    var scalarOutputs = [Double](repeating: 0, count: m)
    for l in 0..<lanes {
      let inputs = (0..<names.count).map { batchInputs[$0 * lanes + l] }
      interpreter.evaluate(inputs: inputs, outputs: &scalarOutputs)
      for k in 0..<m {
        #expect(identical(batchOutputs[k * lanes + l], scalarOutputs[k]), "lane \(l) output \(k): \(expressions[k])")
      }
    }
  }

  @Test("registers are reused once a result is dead")
  func registerReuse() throws {
    // A chain of 200 additions keeps one partial sum alive at a time.
    let text = (1...200).map { "x\($0 % 7)" }.joined(separator: " * y + ")
    let names = (0..<7).map { "x\($0)" } + ["y"]
    let program = try compile([text], inputs: names)
    let interpreter = ExpressionInterpreter(program)
    #expect(program.instructionCount > 200)
    #expect(interpreter.registers < program.firstResult + 10)
  }
}
