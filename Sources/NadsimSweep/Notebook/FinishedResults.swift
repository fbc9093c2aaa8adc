import Foundation

/// A sweep's results folder opened for reading: its `manifest.json` decoded and checked, and which
/// of the files it lists are present. Everything a reader needs to know comes from the manifest;
/// the CSV headers are never parsed.
public struct FinishedResults: Sendable {
  /// The folder as given.
  public let path: String
  public let manifest: SweepManifest
  /// The optional files the manifest lists that are present (relative names as in the manifest).
  public let quantiles: String?
  public let trajectories: String?
  /// Optional files the manifest lists but the folder lacks: the notebook leaves their figures out.
  public let missing: [String]

  /// The newest `manifest_version` this reader understands.
  public static let manifestVersion = 1

  public init(path: String) throws(FinishedResultsError) {
    let fileManager = FileManager.default
    var isDirectory: ObjCBool = false
    guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FinishedResultsError("folder \(path) does not exist")
    }
    guard isDirectory.boolValue else { throw FinishedResultsError("\(path) is a file; expected a sweep results folder") }
    let folder = URL(fileURLWithPath: path, isDirectory: true)
    let manifestPath = folder.appendingPathComponent("manifest.json").path
    guard fileManager.fileExists(atPath: manifestPath) else {
      throw FinishedResultsError("\(manifestPath) does not exist; is \(path) the output folder of `nadsim sweep`?")
    }
    guard let data = fileManager.contents(atPath: manifestPath) else {
      throw FinishedResultsError("\(manifestPath) cannot be read")
    }
    let manifest: SweepManifest
    do {
      manifest = try SweepManifest.decode(data)
    } catch let error as DecodingError {
      throw FinishedResultsError("\(manifestPath): \(Self.describe(error))")
    } catch {
      throw FinishedResultsError("\(manifestPath): \(error.localizedDescription)")
    }
    if let problem = Self.check(manifest) { throw FinishedResultsError("\(manifestPath): \(problem)") }
    let summaryPath = folder.appendingPathComponent(manifest.files.summary).path
    guard fileManager.fileExists(atPath: summaryPath) else {
      throw FinishedResultsError("\(summaryPath) does not exist (manifest.json lists it as files.summary)")
    }
    var missing: [String] = []
    func present(_ name: String?) -> String? {
      guard let name else { return nil }
      if fileManager.fileExists(atPath: folder.appendingPathComponent(name).path) { return name }
      missing.append(name)
      return nil
    }
    self.path = path
    self.manifest = manifest
    self.quantiles = present(manifest.files.quantiles)
    self.trajectories = present(manifest.files.trajectories)
    self.missing = missing
  }

  /// What a decodable manifest can still get wrong for a reader: a newer schema, metric columns
  /// naming unknown observables or metrics, axes without a column.
  static func check(_ manifest: SweepManifest) -> String? {
    if manifest.manifestVersion > manifestVersion {
      return "manifest_version \(manifest.manifestVersion) is newer than this nadsim reads (\(manifestVersion)); use a newer nadsim"
    }
    let observables = Set(manifest.observables.map(\.name))
    for column in manifest.metricColumns {
      if !observables.contains(column.observable) {
        return "metric_columns: \"\(column.column)\" names observable \"\(column.observable)\", which observables does not list"
      }
      if !SweepManifest.metricNames.contains(column.metric) {
        return "metric_columns: \"\(column.column)\" has metric \"\(column.metric)\"; expected one of \(SweepManifest.metricNames.joined(separator: ", "))"
      }
    }
    for axis in manifest.axes where axis.column.isEmpty {
      return "axes: axis \"\(axis.name)\" has an empty column"
    }
    if Set(manifest.axes.map(\.name)).count != manifest.axes.count { return "axes: two axes have the same name" }
    if manifest.files.summary.isEmpty { return "files.summary is empty" }
    return nil
  }

  /// A decoding error in the manifest's own terms: the snake_case key path and what is wrong.
  static func describe(_ error: DecodingError) -> String {
    func path(_ codingPath: [CodingKey]) -> String {
      var text = ""
      for key in codingPath {
        if let index = key.intValue {
          text += "[\(index)]"
        } else {
          text += (text.isEmpty ? "" : ".") + snakeCase(key.stringValue)
        }
      }
      return text
    }
    switch error {
    case .keyNotFound(let key, let context):
      let parent = path(context.codingPath)
      return "missing key \"\(snakeCase(key.stringValue))\"" + (parent.isEmpty ? "" : " in \(parent)")
    case .typeMismatch(let type, let context):
      return "\(path(context.codingPath)): expected \(describe(type))"
    case .valueNotFound(let type, let context):
      return "\(path(context.codingPath)): expected \(describe(type)), found null"
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty {
        return "not valid JSON" + (context.underlyingError.map { " (\(($0 as NSError).userInfo[NSDebugDescriptionErrorKey] ?? $0.localizedDescription))" } ?? "")
      }
      return "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }

  private static func describe(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Int.Type, is UInt64.Type: return "an integer"
    case is Double.Type: return "a number"
    case is Bool.Type: return "true or false"
    default:
      let name = "\(type)"
      if name.hasPrefix("Array") { return "a list" }
      if name.hasPrefix("Dictionary") { return "an object" }
      return "an object"
    }
  }

  /// `metricColumns` → `metric_columns`, as the manifest's keys are written.
  static func snakeCase(_ name: String) -> String {
    var result = ""
    for character in name {
      if character.isUppercase {
        result += "_" + character.lowercased()
      } else {
        result.append(character)
      }
    }
    return result
  }
}

/// A results folder that cannot be read, with a message naming the file and what is wrong.
public struct FinishedResultsError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
