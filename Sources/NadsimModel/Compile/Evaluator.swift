/// Evaluates a fixed list of named expressions over numbered inputs, fast: the one type the
/// model layer uses for right-hand sides, Jacobians, observables and event conditions.
///
/// It compiles the expressions once (``ExpressionProgram``) and runs them either as native code
/// (``NativeProgram``) or in the ``ExpressionInterpreter``. Both give the same results bit for bit,
/// so the choice changes speed only. Native code is used when asked for (`preferNative`) and
/// available; when it is not (no C compiler, a failed compilation) the evaluator falls back to
/// the interpreter and says why in ``fallbackReason``.
///
/// The environment variable `NADSIM_EVALUATOR` overrides the choice for the whole process:
/// `interpreter` never compiles, `native` always tries to. Other values are ignored.
///
/// An evaluator that runs the interpreter is not thread-safe (use one per thread); a native one
/// is.
public final class Evaluator {
  /// Where the expressions run.
  public enum Backend: String, Sendable, CaseIterable {
    case interpreter
    case native
  }

  /// The environment variable that forces a back-end.
  public static let backendVariable = "NADSIM_EVALUATOR"

  public let program: ExpressionProgram
  /// The outputs' names, in output order.
  public let outputNames: [String]
  /// Why native code was asked for but is not used; nil otherwise.
  public let fallbackReason: String?
  private let native: NativeProgram?
  private let interpreter: ExpressionInterpreter?

  /// Compiles `outputs` over `inputCount` inputs.
  /// - Parameters:
  ///   - inputCount: how many input slots each scenario has.
  ///   - outputs: the named expressions, in output order.
  ///   - symbols: the input slot of each name (nil for a name that is not an input).
  ///   - preferNative: compile to native code when possible (the `NADSIM_EVALUATOR` variable
  ///     overrides this).
  ///   - leadingInputCount: where the inputs split into two blocks for the `leading:trailing:`
  ///     entry points (say, the ODE state where the integrator keeps it, and time and parameters
  ///     where the model keeps them), so callers need not copy the state. Default: all inputs lead.
  ///   - toolchain: compiler and cache to use for native code.
  ///   - environment: where `NADSIM_EVALUATOR` is read (the process environment by default).
  /// - Throws: ``ExpressionProgramError`` when an expression uses a name `symbols` does not know;
  ///   native compilation problems are not errors (see ``fallbackReason``).
  public init(inputCount: Int, outputs: [(name: String, expression: Expression)], symbols: (String) -> Int?,
              preferNative: Bool, leadingInputCount: Int? = nil, toolchain: NativeToolchain = .default,
              environment: [String: String]? = nil) throws(ExpressionProgramError) {
    program = try ExpressionProgram(outputs: outputs.map(\.expression), inputCount: inputCount, slot: symbols)
    outputNames = outputs.map(\.name)
    let forced = Self.forcedBackend(in: environment ?? NativeToolchain.currentEnvironment())
    var compiled: NativeProgram?
    var reason: String?
    if forced.map({ $0 == .native }) ?? preferNative {
      do {
        compiled = try NativeProgram(program, leadingInputCount: leadingInputCount, toolchain: toolchain)
      } catch {
        reason = error.description
      }
    }
    native = compiled
    fallbackReason = reason
    interpreter = compiled == nil ? ExpressionInterpreter(program, leadingInputCount: leadingInputCount) : nil
  }

  /// The back-end that `NADSIM_EVALUATOR` forces in `environment`, if any.
  public static func forcedBackend(in environment: [String: String]) -> Backend? {
    environment[backendVariable].flatMap { Backend(rawValue: $0.lowercased()) }
  }

  public var inputCount: Int { program.inputCount }
  public var outputCount: Int { program.outputCount }

  /// Whether the expressions run as native code.
  public var isNative: Bool { native != nil }

  /// The back-end in use.
  public var backend: Backend { isNative ? .native : .interpreter }

  /// Evaluates one scenario: reads ``inputCount`` inputs, writes ``outputCount`` outputs
  /// (`inputs` and `outputs` must not overlap). Allocates nothing.
  @inline(__always)
  public func evaluate(inputs: UnsafePointer<Double>, outputs: UnsafeMutablePointer<Double>) {
    if let native {
      native.evaluate(inputs: inputs, outputs: outputs)
    } else {
      interpreter.unsafelyUnwrapped.evaluate(inputs: inputs, outputs: outputs)
    }
  }

  /// Evaluates one scenario whose inputs are in two blocks: slot i below the
  /// `leadingInputCount` given at construction at `leading[i]`, the others at
  /// `trailing[i − leadingInputCount]`. Allocates nothing.
  @inline(__always)
  public func evaluate(leading: UnsafePointer<Double>, trailing: UnsafePointer<Double>,
                       outputs: UnsafeMutablePointer<Double>) {
    if let native {
      native.evaluate(leading: leading, trailing: trailing, outputs: outputs)
    } else {
      interpreter.unsafelyUnwrapped.evaluate(leading: leading, trailing: trailing, outputs: outputs)
    }
  }

  /// Evaluates `lanes` scenarios stored lane-contiguous: input i of lane l at
  /// `inputs[i·lanes + l]`, output k of lane l at `outputs[k·lanes + l]`. Allocates nothing.
  @inline(__always)
  public func evaluate(lanes: Int, inputs: UnsafePointer<Double>, outputs: UnsafeMutablePointer<Double>) {
    if let native {
      native.evaluate(lanes: lanes, inputs: inputs, outputs: outputs)
    } else {
      interpreter.unsafelyUnwrapped.evaluate(lanes: lanes, inputs: inputs, outputs: outputs)
    }
  }

  /// Evaluates `lanes` scenarios with inputs in two lane-contiguous blocks: slot i of lane l at
  /// `leading[i·lanes + l]` below `leadingInputCount`, else at
  /// `trailing[(i − leadingInputCount)·lanes + l]`. Allocates nothing.
  @inline(__always)
  public func evaluate(lanes: Int, leading: UnsafePointer<Double>, trailing: UnsafePointer<Double>,
                       outputs: UnsafeMutablePointer<Double>) {
    if let native {
      native.evaluate(lanes: lanes, leading: leading, trailing: trailing, outputs: outputs)
    } else {
      interpreter.unsafelyUnwrapped.evaluate(lanes: lanes, leading: leading, trailing: trailing, outputs: outputs)
    }
  }
}
