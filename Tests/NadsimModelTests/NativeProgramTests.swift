import Testing
import Foundation
@testable import NadsimModel

/// A fresh cache directory for one test, removed afterwards.
func withTemporaryCache<T>(_ body: (NativeToolchain) throws -> T) throws -> T {
  let directory = NSTemporaryDirectory() + "nadsim-test-\(UUID().uuidString)"
  defer { try? FileManager.default.removeItem(atPath: directory) }
  var toolchain = NativeToolchain.default
  toolchain.cacheDirectory = directory
  return try body(toolchain)
}

@Suite("Native programs")
struct NativeProgramTests {
  static let names = ["x", "y", "z", "w", "t"]

  /// Many random expressions of every kind in one program (one C compilation).
  static let randomProgram: ExpressionProgram = {
    var generator = RandomExpressions(seed: 314, symbols: names)
    let expressions = (0..<500).map { _ in generator.any(depth: 5) }
    return try! ExpressionProgram(outputs: expressions, inputCount: names.count, slot: { names.firstIndex(of: $0) })
  }()

  @Test("a compiler is found next to swift, and the cache directory is writable")
  func toolchainFound() {
    let toolchain = NativeToolchain.default
    #expect(toolchain.compiler != nil)
    #expect(toolchain.cacheDirectory != nil)
    let chosen = NativeToolchain.detected(environment: ["NADSIM_CC": "/opt/cc", "HOME": "/nonexistent-home-for-test"])
    #expect(chosen.compiler == "/opt/cc")
  }

  @Test("native code equals the interpreter bit for bit on random expressions, one scenario at a time")
  func scalarIdentical() throws {
    let program = Self.randomProgram
    let native = try NativeProgram(program)
    let interpreter = ExpressionInterpreter(program)
    var generator = RandomExpressions(seed: 1, symbols: Self.names)
    var fromNative = [Double](repeating: 0, count: program.outputCount)
    var fromInterpreter = fromNative
    var mismatches = 0
    for _ in 0..<300 {
      let inputs = (0..<Self.names.count).map { _ in generator.input() }
      native.evaluate(inputs: inputs, outputs: &fromNative)
      interpreter.evaluate(inputs: inputs, outputs: &fromInterpreter)
      for k in 0..<program.outputCount where !identical(fromNative[k], fromInterpreter[k]) {
        mismatches += 1
        if mismatches < 10 {
          Issue.record("output \(k) at \(inputs): native \(fromNative[k]) interpreter \(fromInterpreter[k])")
        }
      }
    }
    #expect(mismatches == 0)
  }

  @Test("batched native code equals the batched interpreter and per-lane scalar results", arguments: [1, 3, 4, 8, 17, 64, 130])
  func batchedIdentical(lanes: Int) throws {
    let program = Self.randomProgram
    let native = try NativeProgram(program)
    let interpreter = ExpressionInterpreter(program)
    var generator = RandomExpressions(seed: UInt64(100 + lanes), symbols: Self.names)
    let n = Self.names.count, m = program.outputCount
    let inputs = (0..<n * lanes).map { _ in generator.input() }
    var fromNative = [Double](repeating: 0, count: m * lanes)
    var fromInterpreter = fromNative
    native.evaluate(lanes: lanes, inputs: inputs, outputs: &fromNative)
    interpreter.evaluate(lanes: lanes, inputs: inputs, outputs: &fromInterpreter)
    var scalar = [Double](repeating: 0, count: m)
    var mismatches = 0
    for l in 0..<lanes {
      native.evaluate(inputs: (0..<n).map { inputs[$0 * lanes + l] }, outputs: &scalar)
      for k in 0..<m {
        let (a, b, c) = (fromNative[k * lanes + l], fromInterpreter[k * lanes + l], scalar[k])
        if !identical(a, b) || !identical(a, c) {
          mismatches += 1
          if mismatches < 10 { Issue.record("lane \(l) output \(k): native \(a), interpreter \(b), scalar \(c)") }
        }
      }
    }
    #expect(mismatches == 0)
  }

  @Test("a one-block program: native lanes (4 lanes have their own copy of the code, others the general one) equal the interpreter bit for bit",
        arguments: [2, 4, 5])
  func smallProgramLanes(lanes: Int) throws {
    var generator = RandomExpressions(seed: 4242, symbols: Self.names)
    let expressions = (0..<12).map { _ in generator.any(depth: 4) }
    let program = try ExpressionProgram(outputs: expressions, inputCount: Self.names.count, slot: { Self.names.firstIndex(of: $0) })
    #expect(program.instructionCount <= CSource.blockSize, "one block")
    let native = try NativeProgram(program)
    let interpreter = ExpressionInterpreter(program)
    let inputs = (0..<(Self.names.count * lanes)).map { _ in generator.input() }
    var fromNative = [Double](repeating: 0, count: program.outputCount * lanes)
    var fromInterpreter = fromNative
    native.evaluate(lanes: lanes, inputs: inputs, outputs: &fromNative)
    interpreter.evaluate(lanes: lanes, inputs: inputs, outputs: &fromInterpreter)
    for k in fromNative.indices {
      #expect(fromNative[k].bitPattern == fromInterpreter[k].bitPattern || (fromNative[k].isNaN && fromInterpreter[k].isNaN),
              "output \(k / lanes), lane \(k % lanes): native \(fromNative[k]) interpreter \(fromInterpreter[k])")
    }
  }

  @Test("powers with per-lane exponents (whole in some lanes, not in others) in a multi-block program: native lanes equal the interpreter bit for bit",
        arguments: [4, 9])
  func powersWithLaneExponents(lanes: Int) throws {
    // x^e, (x+y)^(e-1), 1/(1 + (y/z)^e)... over 300 outputs, so the program spans several blocks
    // and its lane blocks take the two-pass form (whole powers vectorised, re-run otherwise).
    let x = NadsimModel.Expression.symbol("x"), y = NadsimModel.Expression.symbol("y"), z = NadsimModel.Expression.symbol("z"), e = NadsimModel.Expression.symbol("w")
    var outputs: [NadsimModel.Expression] = []
    for k in 0..<300 {
      let c = NadsimModel.Expression.number(1 + Double(k % 7) * 0.25)
      switch k % 3 {
      case 0: outputs.append(.binary(.power, .binary(.multiply, c, x), e))
      case 1: outputs.append(.binary(.power, .binary(.add, x, y), .binary(.subtract, e, .number(1))))
      default: outputs.append(.binary(.divide, .number(1), .binary(.add, .number(1), .binary(.power, .binary(.divide, y, z), e))))
      }
    }
    let program = try ExpressionProgram(outputs: outputs, inputCount: Self.names.count, slot: { Self.names.firstIndex(of: $0) })
    let native = try NativeProgram(program)
    let interpreter = ExpressionInterpreter(program)
    let exponentSets: [[Double]] = [[7, 6, -3, 16, 2, 0, 1, 7, -16], [7, 2.5, 7, 0.5, 17, -2, 3, 7, 1]]
    for exponents in exponentSets {
      var inputs = [Double](repeating: 0, count: Self.names.count * lanes)
      for l in 0..<lanes {
        inputs[0 * lanes + l] = 0.3 + 0.11 * Double(l)           // x
        inputs[1 * lanes + l] = 1.7 - 0.05 * Double(l)           // y
        inputs[2 * lanes + l] = 0.9 + 0.02 * Double(l)           // z
        inputs[3 * lanes + l] = exponents[l % exponents.count]   // w, the exponent
      }
      var fromNative = [Double](repeating: 0, count: program.outputCount * lanes)
      var fromInterpreter = fromNative
      native.evaluate(lanes: lanes, inputs: inputs, outputs: &fromNative)
      interpreter.evaluate(lanes: lanes, inputs: inputs, outputs: &fromInterpreter)
      let mismatches = zip(fromNative, fromInterpreter).filter { !identical($0, $1) }.count
      #expect(mismatches == 0, "exponents \(exponents): \(mismatches) outputs differ")
    }
  }

  @Test("inputs split into a leading and a trailing block give the same results as one buffer", arguments: [1, 5])
  func splitInputs(lanes: Int) throws {
    let program = Self.randomProgram
    let split = 2
    let native = try NativeProgram(program, leadingInputCount: split)
    let interpreter = ExpressionInterpreter(program, leadingInputCount: split)
    var generator = RandomExpressions(seed: 77, symbols: Self.names)
    let n = Self.names.count, m = program.outputCount
    let inputs = (0..<n * lanes).map { _ in generator.input() }
    let leading = Array(inputs[0..<split * lanes]), trailing = Array(inputs[(split * lanes)...])
    var whole = [Double](repeating: 0, count: m * lanes)
    var nativeSplit = whole, interpreterSplit = whole
    native.evaluate(lanes: lanes, inputs: inputs, outputs: &whole)
    native.evaluate(lanes: lanes, leading: leading, trailing: trailing, outputs: &nativeSplit)
    interpreter.evaluate(lanes: lanes, leading: leading, trailing: trailing, outputs: &interpreterSplit)
    #expect(zip(whole, nativeSplit).allSatisfy(identical))
    #expect(zip(whole, interpreterSplit).allSatisfy(identical))
    if lanes == 1 {
      native.evaluate(leading: leading, trailing: trailing, outputs: &nativeSplit)
      interpreter.evaluate(leading: leading, trailing: trailing, outputs: &interpreterSplit)
      #expect(zip(whole, nativeSplit).allSatisfy(identical))
      #expect(zip(whole, interpreterSplit).allSatisfy(identical))
    }
  }

  @Test("a library is compiled once, then found in the cache; no temporary files are left")
  func caching() throws {
    try withTemporaryCache { toolchain in
      let program = try compile(["k * x / (K + x)"], inputs: ["k", "x", "K"])
      let first = try NativeProgram(program, toolchain: toolchain)
      let second = try NativeProgram(program, toolchain: toolchain)
      #expect(!first.wasCached)
      #expect(second.wasCached)
      #expect(first.libraryPath == second.libraryPath)
      let files = try FileManager.default.contentsOfDirectory(atPath: toolchain.cacheDirectory!).sorted()
      #expect(files.count == 2)
      #expect(files.allSatisfy { $0.hasSuffix(".c") || $0.hasSuffix(".so") })
      var out = [0.0]
      second.evaluate(inputs: [2, 3, 1], outputs: &out)
      #expect(out == [1.5])
    }
  }

  @Test("several threads compiling the same new program at once all succeed")
  func concurrentCompilation() async throws {
    let directory = NSTemporaryDirectory() + "nadsim-test-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var toolchain = NativeToolchain.default
    toolchain.cacheDirectory = directory
    let program = try compile(["exp(-a * t) * b + 0.125"], inputs: ["a", "t", "b"])
    let results = await withTaskGroup(of: Double?.self) { group in
      for _ in 0..<4 {
        group.addTask {
          guard let native = try? NativeProgram(program, toolchain: toolchain) else { return nil }
          var out = [0.0]
          native.evaluate(inputs: [0, 5, 2], outputs: &out)
          return out[0]
        }
      }
      return await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results == [2.125, 2.125, 2.125, 2.125])
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
    #expect(leftovers.count == 2)
  }

  @Test("the C source spells constants exactly and uses no fused or built-in math")
  func source() throws {
    let program = try compile(["x * 0.1 + y", "pow(2, x)", "-0.0 + x", "x + 1e999"], inputs: ["x", "y"])
    let native = try NativeProgram(program)
    let text = try String(contentsOfFile: native.libraryPath.replacingOccurrences(of: ".so", with: ".c"), encoding: .utf8)
    #expect(text.contains("(0x1.999999999999ap-4)"))  // 0.1 = 0x1.999999999999ap-4
    #expect(text.contains("nadsim_power((0x1.0000000000000p1), i0)"))
    #expect(text.contains("nadsim_bits(0x7ff0000000000000ULL)"))
    #expect(NativeToolchain.flags.contains("-ffp-contract=off"))
    #expect(NativeToolchain.flags.contains("-fno-fast-math"))
    #expect(NativeToolchain.flags.contains("-fno-builtin"))
  }
}
