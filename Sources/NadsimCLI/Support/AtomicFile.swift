import Foundation

/// Writes a file so that readers see either the old file or the complete new one: the content
/// goes to a temporary file in the same folder, which is renamed over the target when complete.
struct AtomicFile {
  let path: String

  /// Fails early (before any work) when the folder does not exist or is not writable.
  static func checkWritable(_ path: String, flag: String) throws {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
          isDirectory.boolValue
    else { throw InputError("\(flag) \(path): folder \(folder) does not exist") }
    guard FileManager.default.isWritableFile(atPath: folder) else {
      throw InputError("\(flag) \(path): folder \(folder) is not writable")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw InputError("\(flag) \(path) is a folder; expected a file path")
    }
  }

  /// Writes `text` to the path atomically.
  func write(_ text: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    do {
      try Data(text.utf8).write(to: temporary)
      if rename(temporary.path, url.path) != 0 {
        throw InputError("cannot rename \(temporary.path) to \(path): \(String(cString: strerror(errno)))")
      }
    } catch let error as InputError {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw InputError("cannot write \(path): \(error.localizedDescription)")
    }
  }
}
