#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Compiled shared libraries, one per distinct C source, kept in the toolchain's cache directory
/// so that a model is compiled once per machine rather than once per run.
///
/// A library is stored as `<key>.so` beside `<key>.c`, its source; `key` is a 64-bit FNV-1a hash
/// of the source, the compiler's path, size and modification time, and the flags. A cached library
/// is used only when its stored source equals the new source byte for byte, so a hash collision
/// costs a recompilation, never a wrong program.
///
/// Several processes may compile the same program at once: each writes under a private temporary
/// name and then renames into place (`rename` is atomic), the source first and the library
/// second, so a reader sees either no library or a complete one.
struct NativeLibraryCache {
  let toolchain: NativeToolchain

  /// The path of a shared library compiled from `source`, and whether it was already cached.
  func library(for source: String) throws(NativeCompilationError) -> (path: String, cached: Bool) {
    guard let compiler = toolchain.compiler else { throw .noCompiler }
    guard NativeToolchain.isExecutable(compiler) else { throw .compilerNotExecutable(compiler) }
    guard let directory = toolchain.cacheDirectory, NativeToolchain.makeWritableDirectory(directory) else {
      throw .noCacheDirectory
    }
    let key = Self.key(source: source, compiler: compiler)
    let libraryPath = "\(directory)/\(key).so"
    let sourcePath = "\(directory)/\(key).c"
    if access(libraryPath, R_OK) == 0, Self.read(sourcePath) == source { return (libraryPath, true) }

    let temporary = "\(directory)/\(key).\(getpid()).\(UInt32.random(in: 0 ... .max))"
    defer {
      unlink(temporary + ".c")
      unlink(temporary + ".so")
      unlink(temporary + ".log")
    }
    try Self.write(source, to: temporary + ".c")
    let arguments = [compiler] + NativeToolchain.flags + ["-o", temporary + ".so", temporary + ".c"]
    let status = try Self.run(arguments, log: temporary + ".log")
    guard status == 0, access(temporary + ".so", R_OK) == 0 else {
      let diagnostics = String((Self.read(temporary + ".log") ?? "").prefix(2000))
      throw .compilationFailed(compiler: compiler, status: status, diagnostics: diagnostics)
    }
    guard rename(temporary + ".c", sourcePath) == 0 else { throw .cacheWriteFailed(path: sourcePath, errno: errno) }
    guard rename(temporary + ".so", libraryPath) == 0 else { throw .cacheWriteFailed(path: libraryPath, errno: errno) }
    return (libraryPath, false)
  }

  /// 16 hex digits of FNV-1a (64-bit) over the source and everything that affects the binary.
  static func key(source: String, compiler: String) -> String {
    var info = stat()
    let identity = stat(compiler, &info) == 0 ? "\(info.st_size):\(info.st_mtim.tv_sec)" : "?"
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for text in [source, compiler, identity, NativeToolchain.flags.joined(separator: " ")] {
      for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
      }
      hash ^= 0xff
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  /// Runs a program with stdout and stderr sent to `log`; returns its exit status.
  static func run(_ arguments: [String], log: String) throws(NativeCompilationError) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid = pid_t()
    let launched = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    guard launched == 0 else { throw .launchFailed(compiler: arguments[0], errno: launched) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      if errno != EINTR { return -1 }
    }
    // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
    if status & 0x7f == 0 { return (status >> 8) & 0xff }
    return -(status & 0x7f)
  }

  static func write(_ text: String, to path: String) throws(NativeCompilationError) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard descriptor >= 0 else { throw .cacheWriteFailed(path: path, errno: errno) }
    defer { close(descriptor) }
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if written < 0 {
        if errno == EINTR { continue }
        throw .cacheWriteFailed(path: path, errno: errno)
      }
      offset += written
    }
  }

  static func read(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress!, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if count == 0 { break }
      bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

// The POSIX calls, named apart from the cache's own `read` and `write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, bytes, count)
}

private func systemRead(_ descriptor: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(descriptor, bytes, count)
}
