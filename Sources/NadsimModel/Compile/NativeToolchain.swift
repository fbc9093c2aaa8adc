#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C compiler, its flags, and the cache directory used to turn expression programs into
/// shared libraries (``NativeProgram``).
///
/// The flags are chosen so that the native code computes exactly what the interpreter computes:
/// - `-ffp-contract=off`: clang would otherwise fuse `a*b + c` into one FMA instruction (one
///   rounding instead of two), which changes results in the last bit;
/// - `-fno-fast-math`: no reassociation, no reciprocal tricks, no assumptions about NaN or ∞;
/// - `-fno-builtin`: `exp`, `log`, `log10` and `pow` stay calls to glibc's libm, the same
///   functions Swift calls; otherwise clang may rewrite them (`pow(2, x)` → `exp2(x)`, which is not
///   always the same bits). Square root and |x| are written as `__builtin_sqrt`/`__builtin_fabs`,
///   which stay single exact instructions;
/// - `-fno-math-errno`: lets `__builtin_sqrt` be the bare (vectorisable) instruction; it changes
///   only whether `errno` is set, never a value;
/// - `-O2 -march=haswell`: optimise, and use AVX2 so loops over lanes run four lanes per
///   instruction (every machine this project runs on is an AMD Zen 3; on a CPU without AVX2
///   the library would not run);
/// - `-std=c99 -fPIC -shared`: a shared object that `dlopen` can load; `-w`: the code is
///   generated, so warnings would only be noise in a failure message.
public struct NativeToolchain: Sendable, Equatable {
  /// Path of the C compiler; nil when none was found.
  public var compiler: String?
  /// Directory holding compiled libraries, keyed by a hash of their source; nil when none is
  /// writable.
  public var cacheDirectory: String?

  public static let flags = [
    "-std=c99", "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math", "-fno-builtin",
    "-fno-math-errno", "-march=haswell", "-w",
  ]

  /// Environment variable naming the C compiler to use, overriding the search.
  public static let compilerVariable = "NADSIM_CC"

  public init(compiler: String?, cacheDirectory: String?) {
    self.compiler = compiler
    self.cacheDirectory = cacheDirectory
  }

  /// The toolchain found from this process's environment, looked up once.
  public static let `default` = detected(environment: currentEnvironment())

  /// Finds the compiler and cache directory.
  ///
  /// Compiler: `$NADSIM_CC` when set; else `clang` in the directory of the `swift` found on
  /// `PATH` (symbolic links resolved), which is the clang that ships with the Swift toolchain;
  /// else `cc` on `PATH`.
  ///
  /// Cache: the first of `$XDG_CACHE_HOME/nadsim`, `$HOME/.cache/nadsim`, `$TMPDIR/nadsim-<uid>`
  /// (`/tmp` when `TMPDIR` is unset) that can be created and written.
  public static func detected(environment: [String: String]) -> NativeToolchain {
    NativeToolchain(compiler: findCompiler(environment), cacheDirectory: findCacheDirectory(environment))
  }

  static func findCompiler(_ environment: [String: String]) -> String? {
    if let chosen = environment[compilerVariable], !chosen.isEmpty { return chosen }
    let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
    for directory in path {
      let swift = directory + "/swift"
      guard isExecutable(swift), let resolved = realPath(swift) else { continue }
      let clang = String(resolved[..<(resolved.lastIndex(of: "/") ?? resolved.startIndex)]) + "/clang"
      if isExecutable(clang) { return clang }
      if isExecutable(directory + "/clang") { return directory + "/clang" }
    }
    for directory in path where isExecutable(directory + "/cc") { return directory + "/cc" }
    return nil
  }

  static func findCacheDirectory(_ environment: [String: String]) -> String? {
    var candidates: [String] = []
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { candidates.append(xdg + "/nadsim") }
    if let home = environment["HOME"], home.hasPrefix("/") { candidates.append(home + "/.cache/nadsim") }
    let temporary = environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
    candidates.append(temporary + "/nadsim-\(getuid())")
    return candidates.first(where: makeWritableDirectory)
  }

  static func isExecutable(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
    return access(path, X_OK) == 0
  }

  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Creates the directory and its parents (mode 0700) as needed; true when it is writable.
  static func makeWritableDirectory(_ path: String) -> Bool {
    var prefix = ""
    for component in path.split(separator: "/") {
      prefix += "/" + component
      if mkdir(prefix, 0o700) != 0 && errno != EEXIST { return false }
    }
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return false }
    return access(path, W_OK | X_OK) == 0
  }

  static func currentEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
      let text = String(cString: pointer)
      if let equals = text.firstIndex(of: "=") {
        result[String(text[..<equals])] = String(text[text.index(after: equals)...])
      }
      entry += 1
    }
    return result
  }
}
