import Foundation

/// Joins the results folders of `nadsim sweep --shard K/N` runs (K = 1…N) into the folder one
/// unsharded run would have written: the CSV files are the shards' files in shard order with one
/// header, byte for byte what the single run writes (shards are contiguous scenario ranges and
/// rows are written in scenario order). The files are streamed, never held whole in memory.
public enum ShardMerge {
  public static func merge(shardFolders: [String], into out: String, command: [String]) throws {
    guard !shardFolders.isEmpty else { throw SweepInputError("merge: no shard folders given") }
    var manifests: [(folder: String, manifest: SweepManifest)] = []
    for folder in shardFolders {
      let path = (folder as NSString).appendingPathComponent("manifest.json")
      guard let data = FileManager.default.contents(atPath: path) else {
        throw SweepInputError("merge: \(path) is missing; is \(folder) a finished sweep shard?")
      }
      let manifest: SweepManifest
      do { manifest = try SweepManifest.decode(data) } catch {
        throw SweepInputError("merge: \(path) is not a nadsim sweep manifest (\(error))")
      }
      guard manifest.shard != nil else { throw SweepInputError("merge: \(folder) is not a shard (it was run without --shard)") }
      manifests.append((folder, manifest))
    }
    let count = manifests[0].manifest.shard!.count
    let fingerprint = manifests[0].manifest.fingerprint
    for (folder, manifest) in manifests {
      guard manifest.fingerprint == fingerprint else {
        throw SweepInputError("merge: \(folder) belongs to a different sweep than \(manifests[0].folder) (model, axes, design, population or solver differ)")
      }
      guard manifest.shard!.count == count else {
        throw SweepInputError("merge: \(folder) is part of \(manifest.shard!.count) shards, \(manifests[0].folder) of \(count)")
      }
    }
    let indices = manifests.map { $0.manifest.shard!.index }
    guard Set(indices).count == indices.count else { throw SweepInputError("merge: a shard is given twice") }
    let missing = Set(1...count).subtracting(indices).sorted()
    guard missing.isEmpty else {
      throw SweepInputError("merge: shards \(missing.map(String.init).joined(separator: ", ")) of \(count) are missing")
    }
    manifests.sort { $0.manifest.shard!.index < $1.manifest.shard!.index }

    let manager = FileManager.default
    if !manager.fileExists(atPath: out) {
      do { try manager.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
        throw SweepInputError("--out \(out): cannot create the folder (\(error.localizedDescription))")
      }
    }
    guard !manager.fileExists(atPath: (out as NSString).appendingPathComponent("manifest.json")) else {
      throw SweepInputError("--out \(out) already holds sweep results; choose another folder")
    }
    let first = manifests[0].manifest
    let names = [first.files.summary, first.files.quantiles, first.files.trajectories].compactMap { $0 }
    for name in names {
      try concatenate(manifests.map { ($0.folder as NSString).appendingPathComponent(name) },
                      into: (out as NSString).appendingPathComponent(name))
    }
    var merged = first
    merged.shard = nil
    merged.command = command
    merged.rowCount = manifests.map(\.manifest.rowCount).reduce(0, +)
    merged.failedCount = manifests.map(\.manifest.failedCount).reduce(0, +)
    merged.started = manifests.map(\.manifest.started).min()!
    merged.finished = manifests.map(\.manifest.finished).max()!
    try ResultsFolder.writeAtomically(try merged.encoded(), to: (out as NSString).appendingPathComponent("manifest.json"))
  }

  /// The first file whole, then the others without their header line, to a temporary file renamed
  /// into place.
  private static func concatenate(_ inputs: [String], into target: String) throws {
    let temporary = target + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: nil), let output = FileHandle(forWritingAtPath: temporary) else {
      throw SweepInputError("--out: cannot create \(temporary)")
    }
    defer { try? output.close() }
    do {
      for (k, input) in inputs.enumerated() {
        guard let handle = FileHandle(forReadingAtPath: input) else { throw SweepInputError("merge: cannot read \(input)") }
        defer { try? handle.close() }
        var skippingHeader = k > 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
          var data = chunk
          if skippingHeader {
            guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else { continue }
            data = data[(newline + 1)...]
            skippingHeader = false
          }
          try output.write(contentsOf: data)
        }
      }
      try output.close()
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      if let error = error as? SweepInputError { throw error }
      throw SweepInputError("cannot write \(target): \(error.localizedDescription)")
    }
    guard rename(temporary, target) == 0 else {
      throw SweepInputError("cannot rename \(temporary) to \(target): \(String(cString: strerror(errno)))")
    }
  }
}
