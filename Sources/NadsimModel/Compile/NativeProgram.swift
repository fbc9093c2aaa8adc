#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An ``ExpressionProgram`` compiled to machine code through C (``CSource``), with the same
/// results as ``ExpressionInterpreter`` bit for bit.
///
/// Building one emits the C source, finds or makes the shared library in the cache
/// (``NativeLibraryCache``), and loads it with `dlopen`. The first build of a program costs one C
/// compilation, about 1.5 ms of compiler CPU time per instruction (HIRES, 58 instructions: 0.1 s;
/// 4,400 instructions: 6 s); later builds, in this or any other process, load the cached library.
///
/// The compiled code keeps no state, so one native program may be used from several threads at
/// once. The library stays loaded while the program exists.
public final class NativeProgram: @unchecked Sendable {
  typealias ScalarFunction = @convention(c) (UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>)
    -> Void
  typealias LanesFunction = @convention(c) (UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>,
                                            Int32) -> Void
  typealias ContiguousScalarFunction = @convention(c) (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
  typealias ContiguousLanesFunction = @convention(c) (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int32) -> Void

  public let program: ExpressionProgram
  /// Input slots below this come from the `leading` block, the others from `trailing`.
  public let leadingInputCount: Int
  /// The loaded shared library.
  public let libraryPath: String
  /// Whether the library came from the cache (no compilation was needed).
  public let wasCached: Bool
  private let handle: UnsafeMutableRawPointer
  private let scalar: ScalarFunction
  private let batched: LanesFunction
  private let contiguousScalar: ContiguousScalarFunction
  private let contiguousBatched: ContiguousLanesFunction

  /// Compiles (or finds in the cache) and loads `program`.
  /// - Parameters:
  ///   - leadingInputCount: where the inputs split into a leading and a trailing block for
  ///     ``evaluate(leading:trailing:outputs:)`` (default: all inputs lead).
  /// - Throws: ``NativeCompilationError`` when there is no compiler or cache directory, when
  ///   compilation fails, or when the library does not load.
  public init(_ program: ExpressionProgram, leadingInputCount: Int? = nil, toolchain: NativeToolchain = .default)
    throws(NativeCompilationError)
  {
    let split = leadingInputCount ?? program.inputCount
    precondition(split >= 0 && split <= program.inputCount, "the leading block must lie within the inputs")
    self.program = program
    self.leadingInputCount = split
    let source = CSource.emit(program, leadingInputCount: split)
    let cache = NativeLibraryCache(toolchain: toolchain)
    var (path, cached) = try cache.library(for: source)
    var loaded = dlopen(path, RTLD_NOW | RTLD_LOCAL)
    if loaded == nil && cached {
      // A damaged cache entry: compile again in place of it.
      unlink(path)
      (path, cached) = try cache.library(for: source)
      loaded = dlopen(path, RTLD_NOW | RTLD_LOCAL)
    }
    guard let handle = loaded else { throw .loadFailed(Self.lastError()) }
    guard let scalarSymbol = dlsym(handle, CSource.scalarEntry), let lanesSymbol = dlsym(handle, CSource.lanesEntry),
          let contiguousScalarSymbol = dlsym(handle, CSource.contiguousScalarEntry),
          let contiguousLanesSymbol = dlsym(handle, CSource.contiguousLanesEntry)
    else {
      let message = Self.lastError()
      dlclose(handle)
      throw .loadFailed(message)
    }
    self.handle = handle
    libraryPath = path
    wasCached = cached
    scalar = unsafeBitCast(scalarSymbol, to: ScalarFunction.self)
    batched = unsafeBitCast(lanesSymbol, to: LanesFunction.self)
    contiguousScalar = unsafeBitCast(contiguousScalarSymbol, to: ContiguousScalarFunction.self)
    contiguousBatched = unsafeBitCast(contiguousLanesSymbol, to: ContiguousLanesFunction.self)
  }

  deinit { dlclose(handle) }

  /// Evaluates one scenario from one contiguous input buffer. Inputs and outputs must not overlap.
  @inline(__always)
  public func evaluate(inputs: UnsafePointer<Double>, outputs: UnsafeMutablePointer<Double>) {
    contiguousScalar(inputs, outputs)
  }

  /// Evaluates one scenario whose inputs are in two blocks: slot i < ``leadingInputCount`` at
  /// `leading[i]`, the others at `trailing[i − leadingInputCount]`.
  @inline(__always)
  public func evaluate(leading: UnsafePointer<Double>, trailing: UnsafePointer<Double>,
                       outputs: UnsafeMutablePointer<Double>) {
    scalar(leading, trailing, outputs)
  }

  /// Evaluates `lanes` scenarios stored lane-contiguous (input i of lane l at
  /// `inputs[i·lanes + l]`, output k at `outputs[k·lanes + l]`).
  @inline(__always)
  public func evaluate(lanes: Int, inputs: UnsafePointer<Double>, outputs: UnsafeMutablePointer<Double>) {
    precondition(lanes >= 1 && lanes <= Int(Int32.max), "lane count out of range")
    contiguousBatched(inputs, outputs, Int32(truncatingIfNeeded: lanes))
  }

  /// Evaluates `lanes` scenarios with inputs in two lane-contiguous blocks (slot i of lane l at
  /// `leading[i·lanes + l]`, or at `trailing[(i − leadingInputCount)·lanes + l]`).
  @inline(__always)
  public func evaluate(lanes: Int, leading: UnsafePointer<Double>, trailing: UnsafePointer<Double>,
                       outputs: UnsafeMutablePointer<Double>) {
    precondition(lanes >= 1 && lanes <= Int(Int32.max), "lane count out of range")
    batched(leading, trailing, outputs, Int32(truncatingIfNeeded: lanes))
  }

  private static func lastError() -> String {
    guard let message = dlerror() else { return "unknown dlopen error" }
    return String(cString: message)
  }
}
