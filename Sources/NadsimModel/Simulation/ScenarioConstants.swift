/// The per-scenario constants of a model, in ``Model/constantNames`` order: covariates (defaults
/// or given values, checked against their ranges), parameters (defaults or overrides), constant
/// assignments evaluated in dependency order, and compartment volumes (which must come out > 0).
public struct ScenarioConstants {
  public var values: [Double]

  public init(model: Model, covariates: [String: Double] = [:], parameters: [String: Double] = [:]) throws {
    for name in covariates.keys where !model.covariates.contains(where: { $0.name == name }) {
      throw ModelError("unknown covariate; the model has \(model.covariates.map(\.name).joined(separator: ", "))",
                       at: SourceLocation(file: model.file), name: name)
    }
    for name in parameters.keys where !model.parameters.contains(where: { $0.name == name }) {
      throw ModelError("unknown parameter", at: SourceLocation(file: model.file), name: name)
    }
    var bindings: [String: Double] = [:]
    var values: [Double] = []
    for c in model.covariates {
      let value = covariates[c.name] ?? c.value
      if !value.isFinite {
        throw ModelError("\(value) is not a finite number", at: SourceLocation(file: model.file), name: c.name)
      }
      if let range = c.range, !range.contains(value) {
        throw ModelError("\(value) \(c.unit) lies outside the allowed range [\(range.lowerBound), \(range.upperBound)] \(c.unit)",
                         at: SourceLocation(file: model.file), name: c.name)
      }
      bindings[c.name] = value
      values.append(value)
    }
    for p in model.parameters {
      let value = parameters[p.name] ?? p.value
      if !value.isFinite {
        throw ModelError("\(value) is not a finite number", at: SourceLocation(file: model.file), name: p.name)
      }
      bindings[p.name] = value
      values.append(value)
    }
    for a in model.constantAssignments {
      guard let value = a.expression.value({ bindings[$0] }), value.isFinite else {
        throw ModelError("the assignment does not evaluate to a finite number for this scenario",
                         at: SourceLocation(file: model.file), name: a.name)
      }
      bindings[a.name] = value
      values.append(value)
    }
    for c in model.compartments {
      guard let value = c.volume.value({ bindings[$0] }), value > 0, value.isFinite else {
        throw ModelError("the volume is not a positive number for this scenario",
                         at: SourceLocation(file: model.file), name: c.name)
      }
      bindings[c.name] = value
      values.append(value)
    }
    self.values = values
    self.bindings = bindings
  }

  /// Every constant by name.
  public let bindings: [String: Double]
}
