/// C99 source for an ``ExpressionProgram``: the text that ``NativeProgram`` compiles.
///
/// Entry points (no headers needed; the libm functions are declared here):
///
///     void nadsim_f(const double *restrict in, double *restrict out, int lanes);
///     void nadsim_f_scalar(const double *restrict in, double *restrict out);
///     void nadsim_lanes(const double *restrict a, const double *restrict b, double *restrict out, int lanes);
///     void nadsim_scalar(const double *restrict a, const double *restrict b, double *restrict out);
///
/// The last two take the inputs in two blocks: slots below `leadingInputCount` from `a`, the
/// others from `b` (slot i at `b[i − leadingInputCount]`), so that a caller can pass an ODE state
/// where the integrator keeps it and the parameters where the model keeps them, without copying.
/// `nadsim_f` and `nadsim_f_scalar` take one contiguous buffer (`b = a + leadingInputCount`).
///
/// `nadsim_scalar` is the program as straight-line code on locals. `nadsim_lanes` wraps the same
/// statements in one loop over lanes (slot i of lane l at `a[i*lanes + l]`, output k at
/// `out[k*lanes + l]`), so the C compiler vectorises across lanes: each statement's operation
/// runs on four lanes in an AVX2 register. Inputs and outputs must not overlap.
///
/// A program longer than ``blockSize`` instructions is cut into blocks (``BlockLayout``), each a
/// function with its own loop over a tile of lanes; results that cross blocks go through a
/// temporary array. Each block has a scalar and a lane-loop version (running one scenario through
/// the lane loops was measured 2–3× slower).
///
/// A lane block whose only calls are powers runs in two passes: first with whole powers
/// (`nadsim_whole_power`, the same products as `nadsim_power` without branches or calls, so the
/// loop vectorises), noting whether any lane had an exponent that is not a whole number in
/// [−16, 16]; only then does the block run again as written. A call to `pow` (or `exp`, `log`)
/// inside a lane loop keeps clang from vectorising it: before this, one 4-lane right-hand side of
/// the human model cost about four scalar ones. A lane block with `exp`/`log` calls first runs a
/// scalar loop over the tile computing only the calls (and the instructions their arguments
/// depend on) into a small array; its main loop reads them from there and has no calls left.
///
/// Each instruction is one statement `const double vK = <operation>;` with the operation written
/// exactly as ``ScalarSemantics`` defines it (`b < a ? b : a` for min, `c != 0.0 ? a : b` for a
/// select, `b == 2.0 ? a*a : pow(a, b)` for a power...), and constants are hexadecimal literals
/// (exact). With the flags in ``NativeToolchain/flags`` the compiler may neither fuse nor regroup,
/// and it cannot rewrite calls to `exp`, `log`, `log10`, `pow` (no built-ins), so the results
/// are the interpreter's, bit for bit.
enum CSource {
  static let scalarEntry = "nadsim_scalar"
  static let lanesEntry = "nadsim_lanes"
  static let contiguousScalarEntry = "nadsim_f_scalar"
  static let contiguousLanesEntry = "nadsim_f"

  static func emit(_ program: ExpressionProgram, leadingInputCount split: Int) -> String {
    // The exported entry points are thin wrappers around two static functions, so that the calls
    // between them are direct jumps rather than calls through the PLT (exported functions of a
    // shared library may be interposed, so the compiler may not bind calls to them locally).
    blocks(program, leadingInputCount: split) + """

      void \(scalarEntry)(const double *restrict a, const double *restrict b, double *restrict out) {
        \(runScalar)(a, b, out);
      }

      void \(lanesEntry)(const double *restrict a, const double *restrict b, double *restrict out, int lanes) {
        \(runLanes)(a, b, out, lanes);
      }

      void \(contiguousScalarEntry)(const double *restrict in, double *restrict out) {
        \(runScalar)(in, in + \(split), out);
      }

      void \(contiguousLanesEntry)(const double *restrict in, double *restrict out, int lanes) {
        \(runLanes)(in, in + \(split) * (long)lanes, out, lanes);
      }

      """
  }

  private static let runScalar = "nadsim_run_scalar"
  private static let runLanes = "nadsim_run_lanes"
  private static let local = "static __attribute__((noinline)) void"

  /// The program's code and its two-block entry points.
  private static func blocks(_ program: ExpressionProgram, leadingInputCount split: Int) -> String {
    var text = """
      /* nadsim expression program: \(program.inputCount) inputs (\(split) leading), \(program.outputCount) \
      outputs, \(program.instructionCount) instructions. Generated; compile with -ffp-contract=off -fno-builtin. */
      double exp(double);
      double log(double);
      double log10(double);
      double pow(double, double);
      /* a^b for a whole b with |b| <= 16: binary powering without branches or calls (so lane loops
         vectorise), the products of ScalarSemantics.power in the same order (the squarings of x
         past b's highest bit are never used). */
      static inline double nadsim_whole_power(double a, double b) {
        double c = b < 0.0 ? -b : b;
        const long m = (long)(c <= 16.0 ? c : 0.0);
        double r = 1.0, x = a;
        r = (m & 1) ? r * x : r; x = x * x;
        r = (m & 2) ? r * x : r; x = x * x;
        r = (m & 4) ? r * x : r; x = x * x;
        r = (m & 8) ? r * x : r; x = x * x;
        r = (m & 16) ? r * x : r;
        return b < 0.0 ? 1.0 / r : r;
      }
      static inline int nadsim_not_whole(double b) {
        return !(b >= -16.0 && b <= 16.0 && b == __builtin_trunc(b));
      }
      static inline double nadsim_power(double a, double b) {
        return nadsim_not_whole(b) ? pow(a, b) : nadsim_whole_power(a, b);
      }
      static inline double nadsim_bits(unsigned long long u) {
        union { unsigned long long u; double d; } x;
        x.u = u;
        return x.d;
      }

      """
    let layout = BlockLayout(program, blockSize: blockSize)
    func load(_ i: Int, lanes: Bool) -> String {
      let (block, row) = i < split ? ("a", i) : ("b", i - split)
      return lanes ? "\(block)[\(row) * n + l]" : "\(block)[\(row)]"
    }
    /// The statements of block `k`: loads of the inputs and earlier results it reads, its
    /// instructions, and stores of its outputs and of results later blocks read.
    func body(_ k: Int, lanes: Bool, indent: String, wholePowers: Bool = false, calls: [Int: Int] = [:]) -> String {
      var text = ""
      let tile = layout.tile
      for i in layout.inputs[k] { text += "\(indent)const double i\(i) = \(load(i, lanes: lanes));\n" }
      for j in layout.imports[k] {
        let slot = layout.slot[j]!
        text += "\(indent)const double v\(j) = t[\(lanes ? "\(slot * tile) + l" : "\(slot)")];\n"
      }
      for j in layout.blocks[k] {
        let instruction = program.instructions[j]
        if let index = calls[j] {
          text += "\(indent)const double v\(j) = c[\(index * layout.tile) + l];\n"
        } else if wholePowers && instruction.operation == .power {
          let a = name(instruction.first, program), b = name(instruction.second, program)
          text += "\(indent)const double v\(j) = nadsim_whole_power(\(a), \(b));\n"
          text += "\(indent)notWhole |= nadsim_not_whole(\(b));\n"
        } else {
          text += "\(indent)const double v\(j) = \(statement(instruction, program));\n"
        }
      }
      for j in layout.exports[k] {
        let slot = layout.slot[j]!
        text += "\(indent)t[\(lanes ? "\(slot * tile) + l" : "\(slot)")] = v\(j);\n"
      }
      for output in layout.outputs[k] {
        let target = lanes ? "out[\(output) * n + l]" : "out[\(output)]"
        text += "\(indent)\(target) = \(name(program.outputs[output], program));\n"
      }
      return text
    }
    let callOperations: [ExpressionProgram.Operation] = [.exp, .log, .log10]
    /// Block k's exp/log calls, numbered (instruction → index), or empty.
    func calls(_ k: Int) -> [Int: Int] {
      var numbers: [Int: Int] = [:]
      for j in layout.blocks[k] where callOperations.contains(program.instructions[j].operation) { numbers[j] = numbers.count }
      return numbers
    }
    /// The scalar pre-pass of a block with calls: per lane, the instructions the calls depend on
    /// (within the block), then the calls, stored in c.
    func prepass(_ k: Int, _ numbers: [Int: Int], indent: String) -> String {
      let inBlock = Set(layout.blocks[k])
      var needed = Set<Int>()
      func visit(_ j: Int) {
        guard needed.insert(j).inserted else { return }
        let instruction = program.instructions[j]
        for operand in [instruction.first, instruction.second, instruction.third] where operand >= 0 {
          if case .instruction(let i) = program.source(of: operand), inBlock.contains(i) { visit(i) }
        }
      }
      for j in numbers.keys { visit(j) }
      var text = ""
      for i in layout.inputs[k] { text += "\(indent)const double i\(i) = \(load(i, lanes: true));\n" }
      for j in layout.imports[k] {
        text += "\(indent)const double v\(j) = t[\(layout.slot[j]! * layout.tile) + l];\n"
      }
      for j in layout.blocks[k] where needed.contains(j) {
        text += "\(indent)const double v\(j) = \(statement(program.instructions[j], program));\n"
        if let index = numbers[j] { text += "\(indent)c[\(index * layout.tile) + l] = v\(j);\n" }
      }
      return text
    }
    /// Whether block k has powers (they get the vectorisable two-pass form).
    func hasPowers(_ k: Int) -> Bool { layout.blocks[k].contains { program.instructions[$0].operation == .power } }
    // Stores to different output rows never overlap, but with `lanes` unknown the compiler
    // cannot prove it (with lanes = 1 they would) and would not vectorise.
    let assumeSafety = """
      #if defined(__clang__)
      #pragma clang loop vectorize(assume_safety)
      #elif defined(__GNUC__)
      #pragma GCC ivdep
      #endif

      """
    let signature = "const double *restrict a, const double *restrict b, double *restrict out"

    if layout.blocks.count == 1 {
      text += "\(local) \(runScalar)(\(signature)) {\n"
      text += body(0, lanes: false, indent: "  ")
      text += "}\n\n"
      text += "\(local) \(runLanes)(\(signature), int lanes) {\n"
      text += "  if (lanes == 1) { \(runScalar)(a, b, out); return; }\n"
      // Four lanes (the ensemble integrators' SIMD width) get their own copy of the loop, in
      // which n is a constant: input and output addresses become fixed offsets.
      for (condition, stride) in [("if (lanes == \(fixedLanes)) ", "\(fixedLanes)"), ("", "lanes")] {
        text += "  \(condition){\n"
        text += "    const long n = \(stride);\n"
        text += assumeSafety
        text += "    for (long l = 0; l < n; ++l) {\n"
        text += body(0, lanes: true, indent: "      ")
        text += "    }\n"
        text += condition.isEmpty ? "  }\n" : "    return;\n  }\n"
      }
      text += "}\n"
      return text
    }

    // Several blocks: one function each (kept apart, so that the C compiler's work grows
    // linearly with the program), results crossing blocks passed through `t`.
    let storage = { (count: Int) -> String in
      count * 8 <= Self.stackLimit ? "double t[\(count)];" : "static __thread double t[\(count)];"
    }
    for k in layout.blocks.indices {
      text += "\(local) nadsim_s\(k)(\(signature), double *restrict t) {\n"
      text += body(k, lanes: false, indent: "  ")
      text += "}\n\n"
      let numbers = calls(k)
      let callArgument = numbers.isEmpty ? "" : ", const double *restrict c"
      let callPass = numbers.isEmpty ? "" : ", c"
      var front = ""  // the pre-pass, for blocks with calls
      if !numbers.isEmpty {
        // exp and log have no vector form here: compute them (and what they depend on) first in
        // a scalar loop, so the block's main loop has no calls and vectorises.
        front += "  double c[\(numbers.count * layout.tile)];\n"
        front += "  for (long l = 0; l < m; ++l) {\n"
        front += prepass(k, numbers, indent: "    ")
        front += "  }\n"
      }
      // Each lane function twice: for any lane count (n, m parameters), and for exactly
      // `fixedLanes` lanes (suffix _4: n and m are constants, so input and output addresses are
      // fixed offsets instead of products kept on the stack).
      for variant in [LaneVariant.general, .fixed] {
        let name = { (stem: String) in "\(stem)\(k)\(variant.suffix)" }
        if hasPowers(k) {
          // First with whole powers only (vectorised); if any lane has another exponent, the
          // block runs again as written (it only reads inputs and earlier blocks' results).
          text += "\(local) \(name("nadsim_lw"))(\(signature), double *restrict t\(variant.parameters), int *restrict other\(callArgument)) {\n"
          text += variant.prelude
          text += "  int notWhole = 0;\n"
          text += assumeSafety
          text += "  for (long l = 0; l < m; ++l) {\n"
          text += body(k, lanes: true, indent: "    ", wholePowers: true, calls: numbers)
          text += "  }\n  *other = notWhole;\n}\n\n"
          text += "\(local) \(name("nadsim_lx"))(\(signature), double *restrict t\(variant.parameters)\(callArgument)) {\n"
          text += variant.prelude
          text += assumeSafety
          text += "  for (long l = 0; l < m; ++l) {\n"
          text += body(k, lanes: true, indent: "    ", calls: numbers)
          text += "  }\n}\n\n"
          text += "\(local) \(name("nadsim_l"))(\(signature), double *restrict t\(variant.parameters)) {\n"
          text += variant.prelude
          text += front
          text += "  int other = 0;\n"
          text += "  \(name("nadsim_lw"))(a, b, out, t\(variant.arguments), &other\(callPass));\n"
          text += "  if (other) \(name("nadsim_lx"))(a, b, out, t\(variant.arguments)\(callPass));\n"
          text += "}\n\n"
        } else {
          text += "\(local) \(name("nadsim_l"))(\(signature), double *restrict t\(variant.parameters)) {\n"
          text += variant.prelude
          text += front
          text += assumeSafety
          text += "  for (long l = 0; l < m; ++l) {\n"
          text += body(k, lanes: true, indent: "    ", calls: numbers)
          text += "  }\n}\n\n"
        }
      }
    }
    let slots = max(layout.slotCount, 1)
    text += "\(local) \(runScalar)(\(signature)) {\n"
    text += "  \(storage(slots))\n"
    for k in layout.blocks.indices { text += "  nadsim_s\(k)(a, b, out, t);\n" }
    text += "}\n\n"
    text += "\(local) \(runLanes)(\(signature), int lanes) {\n"
    text += "  if (lanes == 1) { \(runScalar)(a, b, out); return; }\n"
    text += "  \(storage(slots * layout.tile))\n"
    text += "  if (lanes == \(fixedLanes)) {\n"
    for k in layout.blocks.indices { text += "    nadsim_l\(k)\(LaneVariant.fixed.suffix)(a, b, out, t);\n" }
    text += "    return;\n  }\n"
    text += "  const long n = lanes;\n"
    text += "  for (long l0 = 0; l0 < n; l0 += \(layout.tile)) {\n"
    text += "    const long m = n - l0 < \(layout.tile) ? n - l0 : \(layout.tile);\n"
    for k in layout.blocks.indices { text += "    nadsim_l\(k)(a + l0, b + l0, out + l0, t, n, m);\n" }
    text += "  }\n}\n"
    return text
  }

  /// The lane count that gets its own copy of the lane code: the ensemble integrators' SIMD width
  /// (``EnsembleSystem/lanes``, not imported here: NadsimModel's C code does not depend on it).
  static let fixedLanes = 4

  /// The two forms of a lane function: any lane count, or exactly ``fixedLanes``.
  private enum LaneVariant {
    case general, fixed
    var suffix: String { self == .general ? "" : "_\(CSource.fixedLanes)" }
    var parameters: String { self == .general ? ", long n, long m" : "" }
    var arguments: String { self == .general ? ", n, m" : "" }
    var prelude: String { self == .general ? "" : "  const long n = \(CSource.fixedLanes), m = \(CSource.fixedLanes);\n" }
  }

  /// Instructions per block. Compilation time grows faster than linearly with the size of one C
  /// function: with the toolchain's clang on this project's 2-core machine (loaded), a program of
  /// 17,400 instructions took 245 s as one function and 63 s in blocks of 256; 1,100 instructions
  /// take about 2 s and HIRES (58) 0.1 s of compiler time.
  static let blockSize = 256

  /// Largest temporary array put on the stack (bytes); larger ones are thread-local.
  static let stackLimit = 128 * 1024

  /// The C spelling of a value: an input local, a result local or a literal.
  static func name(_ value: Int, _ program: ExpressionProgram) -> String {
    switch program.source(of: value) {
    case .input(let i): return "i\(i)"
    case .instruction(let k): return "v\(k)"
    case .constant(let c): return literal(c)
    }
  }

  private static func statement(_ instruction: ExpressionProgram.Instruction, _ program: ExpressionProgram) -> String {
    let a = name(instruction.first, program)
    let b = instruction.second >= 0 ? name(instruction.second, program) : ""
    switch instruction.operation {
    case .negate: return "-\(a)"
    case .add: return "\(a) + \(b)"
    case .subtract: return "\(a) - \(b)"
    case .multiply: return "\(a) * \(b)"
    case .divide: return "\(a) / \(b)"
    case .power: return "nadsim_power(\(a), \(b))"
    case .exp: return "exp(\(a))"
    case .log: return "log(\(a))"
    case .log10: return "log10(\(a))"
    case .sqrt: return "__builtin_sqrt(\(a))"
    case .abs: return "__builtin_fabs(\(a))"
    case .min: return "\(b) < \(a) ? \(b) : \(a)"
    case .max: return "\(b) > \(a) ? \(b) : \(a)"
    case .less: return "\(a) < \(b) ? 1.0 : 0.0"
    case .lessOrEqual: return "\(a) <= \(b) ? 1.0 : 0.0"
    case .greater: return "\(a) > \(b) ? 1.0 : 0.0"
    case .greaterOrEqual: return "\(a) >= \(b) ? 1.0 : 0.0"
    case .equal: return "\(a) == \(b) ? 1.0 : 0.0"
    case .notEqual: return "\(a) != \(b) ? 1.0 : 0.0"
    case .and: return "(\(a) != 0.0) & (\(b) != 0.0) ? 1.0 : 0.0"
    case .or: return "(\(a) != 0.0) | (\(b) != 0.0) ? 1.0 : 0.0"
    case .not: return "\(a) == 0.0 ? 1.0 : 0.0"
    case .select: return "\(a) != 0.0 ? \(b) : \(name(instruction.third, program))"
    }
  }

  /// An exact C literal, parenthesised: hexadecimal floating point for finite values (C99), the
  /// bit pattern for infinities and NaN.
  static func literal(_ value: Double) -> String {
    if !value.isFinite { return "nadsim_bits(0x\(String(value.bitPattern, radix: 16))ULL)" }
    let sign = value.sign == .minus ? "-" : ""
    if value == 0 { return "(\(sign)0.0)" }
    var digits = String(value.significandBitPattern, radix: 16)
    digits = String(repeating: "0", count: 13 - digits.count) + digits
    if value.isSubnormal { return "(\(sign)0x0.\(digits)p-1022)" }
    return "(\(sign)0x1.\(digits)p\(value.exponent))"
  }
}
