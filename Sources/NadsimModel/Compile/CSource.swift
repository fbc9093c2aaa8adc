/// C99 source for an ``ExpressionProgram``: the text that ``NativeProgram`` compiles.
///
/// Two entry points (no headers needed; the libm functions are declared here):
///
///     void nadsim_scalar(const double *restrict a, const double *restrict b, double *restrict out);
///     void nadsim_lanes(const double *restrict a, const double *restrict b, double *restrict out, int lanes);
///
/// Inputs come in two blocks: slots below `leadingInputCount` from `a`, the others from `b`
/// (slot i at `b[i − leadingInputCount]`), so that a caller can pass an ODE state where the
/// integrator keeps it and the parameters where the model keeps them, without copying. One
/// contiguous buffer is the case `b = a + leadingInputCount`.
///
/// `nadsim_scalar` is the program as straight-line code on locals. `nadsim_lanes` wraps the same
/// statements in one loop over lanes (slot i of lane l at `a[i*lanes + l]`, output k at
/// `out[k*lanes + l]`), so the C compiler vectorises across lanes: each statement's operation
/// runs on four lanes in an AVX2 register. Inputs and outputs must not overlap.
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

  static func emit(_ program: ExpressionProgram, leadingInputCount split: Int) -> String {
    var text = """
      /* nadsim expression program: \(program.inputCount) inputs (\(split) leading), \(program.outputCount) \
      outputs, \(program.instructionCount) instructions. Generated; compile with -ffp-contract=off -fno-builtin. */
      double exp(double);
      double log(double);
      double log10(double);
      double pow(double, double);
      static inline double nadsim_power(double a, double b) { return b == 2.0 ? a * a : pow(a, b); }
      static inline double nadsim_bits(unsigned long long u) {
        union { unsigned long long u; double d; } x;
        x.u = u;
        return x.d;
      }

      """
    let used = usedInputs(program)
    func load(_ i: Int, lanes: Bool) -> String {
      let (block, row) = i < split ? ("a", i) : ("b", i - split)
      return lanes ? "\(block)[\(row) * n + l]" : "\(block)[\(row)]"
    }

    text += "void \(scalarEntry)(const double *restrict a, const double *restrict b, double *restrict out) {\n"
    for i in used { text += "  const double i\(i) = \(load(i, lanes: false));\n" }
    appendBody(program, indent: "  ", to: &text)
    for (k, value) in program.outputs.enumerated() { text += "  out[\(k)] = \(name(value, program));\n" }
    text += "}\n\n"

    text += "void \(lanesEntry)(const double *restrict a, const double *restrict b, double *restrict out, int lanes) {\n"
    text += "  if (lanes == 1) { \(scalarEntry)(a, b, out); return; }\n"
    text += "  const long n = lanes;\n"
    // Stores to different output rows never overlap, but with `lanes` unknown the compiler
    // cannot prove it (with lanes = 1 they would) and would not vectorise; lanes == 1 took the
    // scalar path above.
    text += "#if defined(__clang__)\n#pragma clang loop vectorize(assume_safety)\n"
    text += "#elif defined(__GNUC__)\n#pragma GCC ivdep\n#endif\n"
    text += "  for (long l = 0; l < n; ++l) {\n"
    for i in used { text += "    const double i\(i) = \(load(i, lanes: true));\n" }
    appendBody(program, indent: "    ", to: &text)
    for (k, value) in program.outputs.enumerated() { text += "    out[\(k) * n + l] = \(name(value, program));\n" }
    text += "  }\n}\n"
    return text
  }

  private static func usedInputs(_ program: ExpressionProgram) -> [Int] {
    var used = Set<Int>()
    for instruction in program.instructions {
      for operand in instruction.operands where operand < program.inputCount { used.insert(operand) }
    }
    for output in program.outputs where output < program.inputCount { used.insert(output) }
    return used.sorted()
  }

  private static func appendBody(_ program: ExpressionProgram, indent: String, to text: inout String) {
    for (k, instruction) in program.instructions.enumerated() {
      text += "\(indent)const double v\(k) = \(statement(instruction, program));\n"
    }
  }

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
