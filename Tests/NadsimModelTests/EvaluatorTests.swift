import Testing
import NadsimModel

@Suite("Evaluator")
struct EvaluatorTests {
  static let outputs: [(name: String, expression: Expression)] = [
    ("rate", parsed("kcat * E * S / (Km + S)")),
    ("switch", parsed("piecewise(10, t < 5, 20)")),
  ]
  static let names = ["kcat", "E", "S", "Km", "t"]
  static let inputs: [Double] = [2, 0.5, 3, 1, 4]  // rate = 2·0.5·3/4 = 0.75, switch = 10

  func make(preferNative: Bool, toolchain: NativeToolchain = .default, environment: [String: String] = [:]) throws
    -> Evaluator
  {
    try Evaluator(inputCount: Self.names.count, outputs: Self.outputs, symbols: { Self.names.firstIndex(of: $0) },
                  preferNative: preferNative, toolchain: toolchain, environment: environment)
  }

  func expectValues(_ evaluator: Evaluator) {
    var out = [0.0, 0.0]
    evaluator.evaluate(inputs: Self.inputs, outputs: &out)
    #expect(out == [0.75, 10])
    // Two lanes: the second has t = 6.
    var lanesIn = [Double](repeating: 0, count: 10)
    for i in 0..<5 {
      lanesIn[2 * i] = Self.inputs[i]
      lanesIn[2 * i + 1] = Self.inputs[i]
    }
    lanesIn[9] = 6
    var lanesOut = [Double](repeating: 0, count: 4)
    evaluator.evaluate(lanes: 2, inputs: lanesIn, outputs: &lanesOut)
    #expect(lanesOut == [0.75, 0.75, 10, 20])
  }

  @Test("native when asked for and available")
  func native() throws {
    let evaluator = try make(preferNative: true)
    #expect(evaluator.isNative)
    #expect(evaluator.backend == .native)
    #expect(evaluator.fallbackReason == nil)
    #expect(evaluator.outputNames == ["rate", "switch"])
    expectValues(evaluator)
  }

  @Test("interpreter when native code is not asked for")
  func interpreter() throws {
    let evaluator = try make(preferNative: false)
    #expect(!evaluator.isNative)
    #expect(evaluator.fallbackReason == nil)
    expectValues(evaluator)
  }

  @Test("without a compiler it falls back to the interpreter and says why", arguments: [
    (nil, "no C compiler found"),
    ("/nonexistent/bin/cc", "C compiler '/nonexistent/bin/cc' is not an executable file"),
    ("/bin/false", "C compiler '/bin/false' failed with status 1"),
  ] as [(String?, String)])
  func fallback(compiler: String?, reason: String) throws {
    try withTemporaryCache { cached in
      var toolchain = cached
      toolchain.compiler = compiler
      let evaluator = try make(preferNative: true, toolchain: toolchain)
      #expect(!evaluator.isNative)
      #expect(evaluator.fallbackReason?.hasPrefix(reason) == true, "\(evaluator.fallbackReason ?? "nil")")
      expectValues(evaluator)
    }
  }

  @Test("NADSIM_EVALUATOR forces a back-end")
  func forcedBackend() throws {
    #expect(Evaluator.forcedBackend(in: ["NADSIM_EVALUATOR": "interpreter"]) == .interpreter)
    #expect(Evaluator.forcedBackend(in: ["NADSIM_EVALUATOR": "native"]) == .native)
    #expect(Evaluator.forcedBackend(in: ["NADSIM_EVALUATOR": "fast"]) == nil)
    #expect(Evaluator.forcedBackend(in: [:]) == nil)
    #expect(try !make(preferNative: true, environment: ["NADSIM_EVALUATOR": "interpreter"]).isNative)
    #expect(try make(preferNative: false, environment: ["NADSIM_EVALUATOR": "native"]).isNative)
  }

  @Test("the state can stay where the integrator keeps it: leading and trailing input blocks",
        arguments: [false, true])
  func leadingAndTrailing(preferNative: Bool) throws {
    // Leading block: S (slot 0); trailing: kcat, E, Km, t.
    let names = ["S", "kcat", "E", "Km", "t"]
    let evaluator = try Evaluator(inputCount: 5, outputs: Self.outputs, symbols: { names.firstIndex(of: $0) },
                                  preferNative: preferNative, leadingInputCount: 1, environment: [:])
    #expect(evaluator.isNative == preferNative)
    var out = [0.0, 0.0]
    evaluator.evaluate(leading: [3], trailing: [2, 0.5, 1, 6], outputs: &out)
    #expect(out == [0.75, 20])
    var lanesOut = [Double](repeating: 0, count: 4)
    evaluator.evaluate(lanes: 2, leading: [3, 1], trailing: [2, 2, 0.5, 0.5, 1, 1, 6, 4], outputs: &lanesOut)
    #expect(lanesOut == [0.75, 0.5, 20, 10])  // second lane: 2·0.5·1/(1 + 1) = 0.5
  }

  @Test("an unknown name is an error that names it")
  func unknownName() {
    #expect(throws: ExpressionProgramError.unknownSymbols(["Vmax"])) {
      try Evaluator(inputCount: 1, outputs: [("v", parsed("Vmax * S"))], symbols: { $0 == "S" ? 0 : nil },
                    preferNative: true)
    }
  }
}
