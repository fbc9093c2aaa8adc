import Foundation
import Yams

/// A YAML node that knows where it came from, with accessors whose errors name the file, the line
/// and the field. Model, regimen and sweep files are read through it.
public struct YAMLNode {
  public let node: Node
  public let file: String
  /// Dotted path of the field, for messages ("parameters.k1.value").
  public let path: String

  public init(node: Node, file: String, path: String = "") {
    self.node = node
    self.file = file
    self.path = path
  }

  /// Parses a whole document. An empty document or a YAML syntax error is a ``ModelError``.
  public static func parse(_ text: String, file: String) throws -> YAMLNode {
    do {
      guard let root = try Yams.compose(yaml: text) else {
        throw ModelError("the file is empty", at: SourceLocation(file: file))
      }
      return YAMLNode(node: root, file: file)
    } catch let error as ModelError {
      throw error
    } catch let error as YamlError {
      throw ModelError("not valid YAML: \(Self.describe(error))", at: SourceLocation(file: file, line: Self.line(of: error)))
    } catch {
      throw ModelError("not valid YAML: \(error)", at: SourceLocation(file: file))
    }
  }

  private static func line(of error: YamlError) -> Int {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): return mark.line
    default: return 0
    }
  }

  private static func describe(_ error: YamlError) -> String {
    switch error {
    case .scanner(_, let problem, _, _), .parser(_, let problem, _, _): return problem
    default: return "\(error)"
    }
  }

  public var location: SourceLocation {
    SourceLocation(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
  }

  /// An error at this node.
  public func error(_ message: String, name: String? = nil) -> ModelError {
    ModelError(message, at: location, name: name ?? (path.isEmpty ? nil : path))
  }

  // MARK: - Scalars

  public var isScalar: Bool { node.scalar != nil }

  /// The scalar text.
  public func string() throws -> String {
    guard let scalar = node.scalar else { throw error("expected a single value, found a \(kind)") }
    return scalar.string
  }

  /// A finite number.
  public func double() throws -> Double {
    let text = try string().trimmingCharacters(in: .whitespaces)
    guard let value = Double(text), value.isFinite else {
      throw error("expected a finite number, found '\(text)'")
    }
    return value
  }

  public func int() throws -> Int {
    let text = try string()
    guard let value = Int(text) else { throw error("expected a whole number, found '\(text)'") }
    return value
  }

  private var kind: String {
    switch node {
    case .scalar: return "single value"
    case .mapping: return "mapping"
    case .sequence: return "list"
    case .alias: return "alias"
    }
  }

  // MARK: - Mappings

  /// The entries of a mapping, in file order, each key checked to be a plain name.
  public func entries() throws -> [(key: String, value: YAMLNode)] {
    guard let mapping = node.mapping else { throw error("expected a mapping (name: value pairs), found a \(kind)") }
    var seen = Set<String>()
    var result: [(String, YAMLNode)] = []
    for (keyNode, valueNode) in mapping {
      guard let key = keyNode.scalar?.string else {
        throw YAMLNode(node: keyNode, file: file, path: path).error("a key must be a single value")
      }
      let child = YAMLNode(node: valueNode, file: file, path: path.isEmpty ? key : "\(path).\(key)")
      if !seen.insert(key).inserted {
        throw YAMLNode(node: keyNode, file: file, path: child.path).error("appears twice")
      }
      result.append((key, child))
    }
    return result
  }

  /// The mapping's value for `key`, if present.
  public func optional(_ key: String) throws -> YAMLNode? {
    guard let mapping = node.mapping else { throw error("expected a mapping (name: value pairs), found a \(kind)") }
    guard let value = mapping[key] else { return nil }
    return YAMLNode(node: value, file: file, path: path.isEmpty ? key : "\(path).\(key)")
  }

  /// The mapping's value for `key`; missing is an error naming the field.
  public func required(_ key: String) throws -> YAMLNode {
    guard let value = try optional(key) else {
      throw error("missing field '\(key)'")
    }
    return value
  }

  /// Refuses keys outside `allowed` (catches typos such as `valeu:`).
  public func checkKeys(_ allowed: [String]) throws {
    for (key, value) in try entries() where !allowed.contains(key) {
      throw value.error("unknown field '\(key)'; expected one of \(allowed.joined(separator: ", "))")
    }
  }

  // MARK: - Lists

  public func elements() throws -> [YAMLNode] {
    guard let sequence = node.sequence else { throw error("expected a list, found a \(kind)") }
    return sequence.enumerated().map { index, element in
      YAMLNode(node: element, file: file, path: "\(path)[\(index)]")
    }
  }
}
