import Foundation

/// A sweep's results folder while it is being written, and how a killed run is resumed.
///
/// Data goes to hidden `.NAME.partial` files, appended a block of whole scenarios at a time;
/// after each block the files are flushed to disk and `.sweep-checkpoint.json` (written to a
/// temporary name and renamed) records how many scenarios are done and the byte length of each
/// partial file. A resumed run truncates the partial files to those lengths (dropping any block
/// half-written when the run died) and goes on from there, so nothing done is lost or
/// duplicated. When the last block is in, the partial files are renamed to their final names and
/// `manifest.json` is written last: a folder with a manifest is complete.
public final class ResultsFolder {
  public struct Checkpoint: Codable, Equatable {
    public var fingerprint: String
    public var shard: String
    public var scenariosDone: Int
    /// Rows written with status `failed`.
    public var failedRows: Int
    public var bytes: [String: UInt64]
    public var started: String
  }

  public struct FolderError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
  }

  public let path: String
  public let fileNames: [String]
  public private(set) var checkpoint: Checkpoint
  private var handles: [String: FileHandle] = [:]

  static let checkpointName = ".sweep-checkpoint.json"
  static let manifestName = "manifest.json"

  /// Opens the folder for a new run or, with `resume`, for finishing an interrupted one.
  /// - Parameters:
  ///   - fileNames: the result files of this sweep (`summary.csv`, ...).
  ///   - headers: the header row text of each file, written when the run starts fresh.
  public init(path: String, fileNames: [String], headers: [String: String], fingerprint: String, shard: String,
              resume: Bool, started: String) throws {
    self.path = path
    self.fileNames = fileNames
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw FolderError(message: "--out \(path) is a file; expected a folder") }
    } else {
      do { try manager.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
        throw FolderError(message: "--out \(path): cannot create the folder (\(error.localizedDescription))")
      }
    }
    guard manager.isWritableFile(atPath: path) else { throw FolderError(message: "--out \(path): the folder is not writable") }
    let checkpointPath = (path as NSString).appendingPathComponent(Self.checkpointName)
    let manifestPath = (path as NSString).appendingPathComponent(Self.manifestName)
    let existing = manager.fileExists(atPath: checkpointPath)
    if !resume {
      if existing || manager.fileExists(atPath: manifestPath) {
        throw FolderError(message: "--out \(path) already holds sweep results; rerun with --resume to finish an interrupted sweep, or choose another folder")
      }
      checkpoint = Checkpoint(fingerprint: fingerprint, shard: shard, scenariosDone: 0, failedRows: 0, bytes: [:], started: started)
      for name in fileNames {
        let partial = Self.partialPath(path, name)
        let header = Data((headers[name] ?? "").utf8)
        guard manager.createFile(atPath: partial, contents: header) else {
          throw FolderError(message: "--out \(path): cannot create \(partial)")
        }
        checkpoint.bytes[name] = UInt64(header.count)
      }
      try writeCheckpoint()
    } else {
      guard existing else {
        if manager.fileExists(atPath: manifestPath) {
          throw FolderError(message: "--resume: \(path) holds a complete sweep (manifest.json); nothing to resume")
        }
        throw FolderError(message: "--resume: \(path) holds no interrupted sweep (no \(Self.checkpointName)); run without --resume")
      }
      do {
        checkpoint = try JSONDecoder().decode(Checkpoint.self, from: Data(contentsOf: URL(fileURLWithPath: checkpointPath)))
      } catch {
        throw FolderError(message: "--resume: \(checkpointPath) is unreadable (\(error.localizedDescription))")
      }
      guard checkpoint.fingerprint == fingerprint, checkpoint.shard == shard else {
        throw FolderError(message: "--resume: \(path) was written by a different sweep (model, axes, design, population, solver or shard differ); rerun the original command, or choose another folder")
      }
      for name in fileNames {
        let partial = Self.partialPath(path, name)
        guard let length = checkpoint.bytes[name], let handle = FileHandle(forUpdatingAtPath: partial) else {
          throw FolderError(message: "--resume: \(partial) is missing; the folder cannot be resumed")
        }
        do { try handle.truncate(atOffset: length) } catch {
          throw FolderError(message: "--resume: cannot truncate \(partial): \(error.localizedDescription)")
        }
        try handle.close()
      }
    }
    for name in fileNames {
      guard let handle = FileHandle(forWritingAtPath: Self.partialPath(path, name)) else {
        throw FolderError(message: "--out \(path): cannot open \(name) for writing")
      }
      _ = try handle.seekToEnd()
      handles[name] = handle
    }
  }

  static func partialPath(_ folder: String, _ name: String) -> String {
    (folder as NSString).appendingPathComponent(".\(name).partial")
  }

  /// Appends one block (whole scenarios) and records it as done.
  public func append(_ texts: [String: String], scenarios: Int, failedRows: Int) throws {
    for name in fileNames {
      guard let text = texts[name], !text.isEmpty else { continue }
      let data = Data(text.utf8)
      do {
        try handles[name]!.write(contentsOf: data)
        try handles[name]!.synchronize()
      } catch {
        throw FolderError(message: "cannot write \(name) in \(path): \(error.localizedDescription)")
      }
      checkpoint.bytes[name]! += UInt64(data.count)
    }
    checkpoint.scenariosDone += scenarios
    checkpoint.failedRows += failedRows
    try writeCheckpoint()
  }

  /// Renames the partial files into place and writes the manifest last.
  public func finish(manifest: Data) throws {
    for (name, handle) in handles {
      try handle.close()
      let final = (path as NSString).appendingPathComponent(name)
      guard rename(Self.partialPath(path, name), final) == 0 else {
        throw FolderError(message: "cannot rename \(name) into place in \(path): \(String(cString: strerror(errno)))")
      }
    }
    handles = [:]
    try Self.writeAtomically(manifest, to: (path as NSString).appendingPathComponent(Self.manifestName))
    try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(Self.checkpointName))
  }

  private func writeCheckpoint() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try Self.writeAtomically(try encoder.encode(checkpoint), to: (path as NSString).appendingPathComponent(Self.checkpointName))
  }

  /// Writes to a temporary file in the same folder, then renames it over `target`.
  public static func writeAtomically(_ data: Data, to target: String) throws {
    let temporary = target + ".tmp-\(getpid())"
    do {
      try data.write(to: URL(fileURLWithPath: temporary))
    } catch {
      throw FolderError(message: "cannot write \(target): \(error.localizedDescription)")
    }
    guard rename(temporary, target) == 0 else {
      try? FileManager.default.removeItem(atPath: temporary)
      throw FolderError(message: "cannot rename \(temporary) to \(target): \(String(cString: strerror(errno)))")
    }
  }
}
