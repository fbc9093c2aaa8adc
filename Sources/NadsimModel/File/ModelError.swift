/// Where in a model (or regimen) file something was found: file, line and column (1-based; 0 when
/// unknown).
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int = 0, column: Int = 0) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    line > 0 ? (column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)") : file
  }
}

/// A problem with a model, regimen or event-table file: it names the place, the offending name
/// (when there is one) and what was expected. The CLI prints it and exits with code 2.
public struct ModelError: Error, Equatable, Sendable, CustomStringConvertible {
  public var location: SourceLocation
  /// The name at fault (a species, parameter, reaction, field...), if any.
  public var name: String?
  public var message: String

  public init(_ message: String, at location: SourceLocation, name: String? = nil) {
    self.location = location
    self.name = name
    self.message = message
  }

  public var description: String {
    if let name { return "\(location): '\(name)': \(message)" }
    return "\(location): \(message)"
  }
}
