import Foundation
import NadsimModel

/// Reads a sweep file (YAML, `nadsim_sweep: 1`; format in Models/sweeps/README.md) into a
/// ``SweepDefinition``. Paths in it (model, parameter set) are relative to the file.
public enum SweepFile {
  public static let topLevelKeys = ["nadsim_sweep", "description", "model", "until", "every", "observables", "fixed",
                                    "axes", "design", "population", "solver", "parameter_set", "trajectories"]

  public static func load(path: String) throws -> SweepDefinition {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw SweepInputError("\(path): cannot read the sweep file (\(error.localizedDescription))")
    }
    do { return try parse(text, file: path) } catch let error as ModelError { throw SweepInputError(error.description) }
  }

  public static func parse(_ text: String, file: String) throws -> SweepDefinition {
    let root = try YAMLNode.parse(text, file: file)
    try root.checkKeys(topLevelKeys)
    guard try root.required("nadsim_sweep").int() == 1 else {
      throw try root.required("nadsim_sweep").error("unsupported sweep file version; expected 1")
    }
    let folder = (file as NSString).deletingLastPathComponent
    func relative(_ path: String) -> String {
      path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }
    var definition = SweepDefinition()
    definition.modelPath = try root.optional("model").map { relative(try $0.string()) }
    definition.parameterSet = try root.optional("parameter_set").map { relative(try $0.string()) }
    definition.until = try root.optional("until")?.string()
    definition.every = try root.optional("every")?.string()
    if let list = try root.optional("observables") { definition.observables = try list.elements().map { try $0.string() } }
    if let fixed = try root.optional("fixed") {
      for (name, node) in try fixed.entries() {
        definition.fixed.append(.init(name: name, values: .list([try node.string()]), origin: node.location.description))
      }
    }
    if let axes = try root.optional("axes") {
      for (name, node) in try axes.entries() { definition.axes.append(try axis(name, node)) }
    }
    if let design = try root.optional("design") {
      try design.checkKeys(["kind", "samples", "seed"])
      let kindNode = try design.required("kind")
      guard let kind = ScenarioDesign.Kind(rawValue: try kindNode.string()) else {
        throw kindNode.error("unknown design; expected one of \(ScenarioDesign.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      definition.design = kind
      definition.samples = try design.optional("samples")?.int()
      definition.seed = try design.optional("seed").map { try seed($0) }
    }
    if let population = try root.optional("population") {
      try population.checkKeys(["size", "seed"])
      definition.populationSize = try population.required("size").int()
      definition.populationSeed = try population.optional("seed").map { try seed($0) }
    }
    if let solver = try root.optional("solver") {
      try solver.checkKeys(["method", "lanes", "rtol", "atol"])
      definition.method = try solver.optional("method")?.string()
      if let node = try solver.optional("lanes") {
        switch try node.string() {
        case "true", "yes": definition.lanes = true
        case "false", "no": definition.lanes = false
        default: throw node.error("expected true or false")
        }
      }
      definition.rtol = try solver.optional("rtol")?.string()
      definition.atol = try solver.optional("atol")?.string()
    }
    if let node = try root.optional("trajectories") {
      switch try node.string() {
      case "true", "yes": definition.trajectories = true
      case "false", "no": definition.trajectories = false
      default: throw node.error("expected true or false")
      }
    }
    return definition
  }

  private static func seed(_ node: YAMLNode) throws -> UInt64 {
    guard let value = UInt64(try node.string()) else { throw node.error("expected a whole number ≥ 0") }
    return value
  }

  /// `[a, b, c]`, `{values: [...], unit: g}` or `{range: [low, high], steps: N, scale: log, unit: g}`.
  private static func axis(_ name: String, _ node: YAMLNode) throws -> SweepDefinition.Entry {
    let origin = node.location.description
    if node.isScalar { return .init(name: name, values: .list([try node.string()]), origin: origin) }
    if let list = try? node.elements() { return .init(name: name, values: .list(try list.map { try $0.string() }), origin: origin) }
    try node.checkKeys(["values", "range", "steps", "scale", "unit"])
    let unit = try node.optional("unit")?.string()
    if let values = try node.optional("values") {
      guard try node.optional("range") == nil else { throw node.error("give 'values' or 'range', not both", name: name) }
      return .init(name: name, values: .list(try values.elements().map { try $0.string() }), unit: unit, origin: origin)
    }
    let rangeNode = try node.required("range")
    let ends = try rangeNode.elements()
    guard ends.count == 2 else { throw rangeNode.error("expected [LOW, HIGH]") }
    var scale = SweepAxis.Scale.linear
    if let scaleNode = try node.optional("scale") {
      guard let s = SweepAxis.Scale(rawValue: try scaleNode.string()) else { throw scaleNode.error("expected linear or log") }
      scale = s
    }
    let steps = try node.optional("steps")?.int()
    if let steps, steps < 1 { throw try node.required("steps").error("expected a whole number ≥ 1") }
    return .init(name: name, values: .range(lower: try ends[0].string(), upper: try ends[1].string(), steps: steps, scale: scale),
                 unit: unit, origin: origin)
  }
}
