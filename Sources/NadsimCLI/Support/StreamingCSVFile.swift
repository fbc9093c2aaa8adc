import Foundation
import NadsimSweep

/// A CSV file written row by row to a temporary name in the target's folder and renamed over the
/// target only by ``finish()``: a run that stops early leaves no partial file and an existing file
/// untouched. Rows are buffered and flushed in blocks, so memory stays flat however long the output.
final class StreamingCSVFile {
  private let path: String
  private let temporaryPath: String
  private let handle: FileHandle
  private var buffer = ""
  private var finished = false

  init(path: String, flag: String) throws {
    try AtomicFile.checkWritable(path, flag: flag)
    let url = URL(fileURLWithPath: path)
    self.path = path
    temporaryPath = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
          let handle = FileHandle(forWritingAtPath: temporaryPath)
    else { throw InputError("\(flag) \(path): cannot create a file in its folder") }
    self.handle = handle
  }

  deinit {
    if !finished {
      try? handle.close()
      try? FileManager.default.removeItem(atPath: temporaryPath)
    }
  }

  func write(_ row: [String]) throws {
    buffer += CSV.row(row)
    if buffer.utf8.count > 1 << 16 { try flush() }
  }

  private func flush() throws {
    do { try handle.write(contentsOf: Data(buffer.utf8)) } catch {
      throw InputError("cannot write \(path): \(error.localizedDescription)")
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes what is left and renames the file into place.
  func finish() throws {
    try flush()
    try handle.close()
    guard rename(temporaryPath, path) == 0 else {
      throw InputError("cannot rename \(temporaryPath) to \(path): \(String(cString: strerror(errno)))")
    }
    finished = true
  }
}
