import Foundation

/// What the manifest records about the nadsim that ran: its version and, when the executable sits
/// in a git checkout (the usual `swift build` layout), that checkout's commit.
public enum BuildInfo {
  public static let version = "0.1.0"

  /// `git rev-parse HEAD` of the checkout holding the running executable, with `-dirty` when it
  /// has uncommitted changes; "unknown" outside a checkout or without git.
  public static func gitCommit() -> String {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
      if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
         FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) {
        guard let head = git(["rev-parse", "HEAD"], in: folder), !head.isEmpty else { return "unknown" }
        let status = git(["status", "--porcelain", "--untracked-files=no"], in: folder) ?? ""
        return status.isEmpty ? head : head + "-dirty"
      }
      folder = folder.deletingLastPathComponent()
    }
    return "unknown"
  }

  private static func git(_ arguments: [String], in folder: URL) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", folder.path] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Now, as ISO 8601 UTC to the second.
  public static func timestamp() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date())
  }

  /// SHA-256 of a file's bytes, hex.
  public static func fileDigest(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw SweepInputError("\(path): cannot read the file") }
    return SHA256.hex(bytes: [UInt8](data))
  }
}
