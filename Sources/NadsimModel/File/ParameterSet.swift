/// A named set of parameter overrides for a model, kept in its own file so that alternative
/// assumptions (for example a claim without primary data) are selected explicitly and labelled in
/// every output.
public struct ParameterSet {
  public var file: String
  public var model: String
  /// Shown in outputs next to every result made with the set.
  public var label: String
  public var description: String
  /// Overrides, in the units the model declares for each parameter.
  public var values: [String: Double]

  /// Reads a parameter set and checks it against `model`: every parameter must exist and be given
  /// in the unit the model declares, with a source and an evidence grade.
  public static func load(path: String, for model: Model) throws -> ParameterSet {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw ModelError("cannot read the parameter set: \(error.localizedDescription)", at: SourceLocation(file: path))
    }
    let root = try YAMLNode.parse(text, file: path)
    try root.checkKeys(["nadsim_parameter_set", "model", "label", "description", "parameters"])
    let version = try root.required("nadsim_parameter_set")
    guard try version.int() == 1 else { throw version.error("unsupported format version; expected 1") }
    let modelNode = try root.required("model")
    let modelName = try modelNode.string()
    guard modelName == model.name else {
      throw modelNode.error("this set is for model '\(modelName)', not '\(model.name)'")
    }
    var values: [String: Double] = [:]
    for (name, node) in try root.required("parameters").entries() {
      guard let parameter = model.parameters.first(where: { $0.name == name }) else {
        throw node.error("the model has no parameter '\(name)'", name: name)
      }
      try node.checkKeys(["value", "unit", "source", "evidence", "note"])
      let unitNode = try node.required("unit")
      let unitText = try unitNode.string()
      let unit: Unit
      do { unit = try Unit(parsing: unitText) } catch {
        throw error.modelError(at: unitNode.location, name: name)
      }
      guard let factor = try? unit.conversionFactor(to: parameter.unit) else {
        throw unitNode.error("unit \(unit) does not convert to the model's \(parameter.unit)", name: name)
      }
      _ = try node.required("source").string()
      let evidenceNode = try node.required("evidence")
      guard Evidence(rawValue: try evidenceNode.string()) != nil else {
        throw evidenceNode.error("unknown evidence grade; expected one of \(Evidence.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      values[name] = try node.required("value").double() * factor
    }
    return ParameterSet(file: path, model: modelName, label: try root.required("label").string(),
                        description: try root.optional("description")?.string() ?? "", values: values)
  }
}
