/// Why an ``ExpressionProgram`` could not be turned into native code. ``Evaluator`` then falls
/// back to the interpreter and keeps this as its ``Evaluator/fallbackReason``.
public enum NativeCompilationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No C compiler was found (see ``NativeToolchain/detected(environment:)``).
  case noCompiler
  /// The chosen compiler is not an executable file.
  case compilerNotExecutable(String)
  /// No cache directory could be created or written.
  case noCacheDirectory
  /// The compiler could not be started (`errno` of `posix_spawn`).
  case launchFailed(compiler: String, errno: Int32)
  /// The compiler ran and failed; `diagnostics` is the start of what it printed.
  case compilationFailed(compiler: String, status: Int32, diagnostics: String)
  /// The compiled library could not be loaded or lacks an entry point (`dlerror` text).
  case loadFailed(String)
  /// Writing a file in the cache failed.
  case cacheWriteFailed(path: String, errno: Int32)

  public var description: String {
    switch self {
    case .noCompiler:
      return "no C compiler found (looked for clang next to swift on PATH, then cc on PATH; set NADSIM_CC to choose one)"
    case .compilerNotExecutable(let path):
      return "C compiler '\(path)' is not an executable file"
    case .noCacheDirectory:
      return "no writable cache directory for compiled models ($XDG_CACHE_HOME/nadsim, ~/.cache/nadsim, $TMPDIR)"
    case .launchFailed(let compiler, let errno):
      return "could not run C compiler '\(compiler)' (errno \(errno))"
    case .compilationFailed(let compiler, let status, let diagnostics):
      return "C compiler '\(compiler)' failed with status \(status): \(diagnostics)"
    case .loadFailed(let message):
      return "could not load compiled model: \(message)"
    case .cacheWriteFailed(let path, let errno):
      return "could not write '\(path)' (errno \(errno))"
    }
  }
}
