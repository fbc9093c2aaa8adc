import Foundation

/// A model file as written: every field as text with its location, checked only for shape
/// (required fields present, no unknown fields, numbers where numbers belong). ``ModelLoader``
/// resolves names, parses expressions and checks units.
public struct ModelFile {
  /// A value with the place it was written.
  public struct Located<Value> {
    public var value: Value
    public var location: SourceLocation
  }

  public struct WorkingUnits {
    public var amount: Located<String>
    public var volume: Located<String>
    public var time: Located<String>
  }

  public struct Covariate {
    public var name: String
    public var value: Double
    public var unit: Located<String>
    public var range: ClosedRange<Double>?
    public var description: String?
    public var location: SourceLocation
  }

  public struct Compartment {
    public var name: String
    /// A number or an expression of covariates and parameters.
    public var volume: Located<String>
    public var unit: Located<String>
    public var location: SourceLocation
  }

  public struct Variability {
    public enum Distribution: String { case lognormal, normal }
    public var distribution: Distribution
    /// Coefficient of variation (lognormal: of the distribution, via σ² = log(1 + cv²)).
    public var cv: Double
    public var location: SourceLocation
  }

  public struct Parameter {
    public var name: String
    public var value: Double
    public var unit: Located<String>
    public var source: String
    public var evidence: Evidence
    public var note: String?
    public var variability: Variability?
    public var range: ClosedRange<Double>?
    public var location: SourceLocation
  }

  public struct Assignment {
    public var name: String
    public var expression: Located<String>
    public var unit: Located<String>
    public var location: SourceLocation
  }

  public enum InitialValue {
    case value(Double)
    case steadyState
  }

  public struct Species {
    public var name: String
    public var compartment: Located<String>
    public var unit: Located<String>
    public var initial: InitialValue
    public var location: SourceLocation
  }

  public struct Reaction {
    public var name: String
    public var equation: Located<String>
    public var rate: Located<String>
    public var compartment: Located<String>?
    public var location: SourceLocation
  }

  public struct RateRule {
    public var species: String
    public var expression: Located<String>
    public var location: SourceLocation
  }

  public struct Observable {
    public var name: String
    public var expression: Located<String>
    public var unit: Located<String>
    public var description: String?
    public var location: SourceLocation
  }

  public struct RouteSubstance {
    public var name: String
    public var species: Located<String>
    /// g/mol.
    public var molecularWeight: Double
    public var location: SourceLocation
  }

  public struct Route {
    public var name: String
    public var bioavailability: Located<String>
    /// A duration with its unit, e.g. "0.25 h".
    public var lag: Located<String>?
    /// An amount with its unit, e.g. "5000 mg".
    public var maxSingleDose: Located<String>?
    public var substances: [RouteSubstance]
    /// Route-specific numbers (topical area, vehicle factor, ...), kept for the model layer.
    public var settings: [String: Double]
    /// Dose in mg computed from the dose's own numbers (e.g. topical concentration × area).
    public var amount: Located<String>?
    /// Dose numbers every dose on this route must give.
    public var requires: [String]
    /// Species emptied a number of hours (a dose number) after each dose.
    public var removal: (afterField: String, species: [Located<String>])?
    public var location: SourceLocation
  }

  /// `correlations:` entry: two parameter names, the coefficient as written (checked by the loader)
  /// and its source.
  public struct Correlation {
    public var first: Located<String>
    public var second: Located<String>
    public var coefficient: Located<String>
    public var source: String
    public var note: String?
    public var location: SourceLocation
  }

  public var file: String
  public var name: String
  public var description: String
  public var source: String?
  public var units: WorkingUnits
  public var covariates: [Covariate] = []
  public var compartments: [Compartment] = []
  public var parameters: [Parameter] = []
  public var assignments: [Assignment] = []
  public var species: [Species] = []
  public var reactions: [Reaction] = []
  public var rateRules: [RateRule] = []
  public var observables: [Observable] = []
  public var routes: [Route] = []
  public var correlations: [Correlation] = []
}

/// How well a parameter value is supported.
public enum Evidence: String, CaseIterable, Sendable {
  /// Measured in humans.
  case A
  /// Measured in another species or in vitro.
  case B
  /// From a secondary source.
  case C
  /// Chosen by the modeller; the parameter's note says how (e.g. calibrated to which target).
  case assumed
  /// A definition rather than a measurement (test problems, unit conventions).
  case defined
}

extension ModelFile {
  /// Reads a model file from disk.
  public static func read(path: String) throws -> ModelFile {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ModelError("cannot read the model file: \(error.localizedDescription)", at: SourceLocation(file: path))
    }
    return try parse(text, file: path)
  }

  /// Reads a model from YAML text; `file` names it in errors.
  public static func parse(_ text: String, file: String) throws -> ModelFile {
    let root = try YAMLNode.parse(text, file: file)
    try root.checkKeys(["nadsim_model", "name", "description", "source", "units", "covariates",
                        "compartments", "parameters", "assignments", "species", "reactions", "rates",
                        "observables", "routes", "correlations"])
    let version = try root.required("nadsim_model")
    guard try version.int() == 1 else { throw version.error("unsupported format version; expected 1") }
    let units = try root.required("units")
    try units.checkKeys(["amount", "volume", "time"])
    var model = ModelFile(
      file: file, name: try root.required("name").string(),
      description: try root.optional("description")?.string() ?? "",
      source: try root.optional("source")?.string(),
      units: WorkingUnits(amount: try located(units.required("amount")),
                          volume: try located(units.required("volume")),
                          time: try located(units.required("time"))))

    for (name, node) in try root.optional("covariates")?.entries() ?? [] {
      try node.checkKeys(["value", "unit", "range", "description"])
      model.covariates.append(Covariate(
        name: name, value: try node.required("value").double(), unit: try located(node.required("unit")),
        range: try range(node.optional("range")), description: try node.optional("description")?.string(),
        location: node.location))
    }
    for (name, node) in try root.optional("compartments")?.entries() ?? [] {
      try node.checkKeys(["volume", "unit"])
      model.compartments.append(Compartment(
        name: name, volume: try located(node.required("volume")), unit: try located(node.required("unit")),
        location: node.location))
    }
    for (name, node) in try root.optional("parameters")?.entries() ?? [] {
      model.parameters.append(try parameter(name, node))
    }
    for (name, node) in try root.optional("assignments")?.entries() ?? [] {
      try node.checkKeys(["expression", "unit", "note"])
      model.assignments.append(Assignment(
        name: name, expression: try located(node.required("expression")),
        unit: try located(node.required("unit")), location: node.location))
    }
    for (name, node) in try root.optional("species")?.entries() ?? [] {
      try node.checkKeys(["compartment", "unit", "initial", "description"])
      let initialNode = try node.required("initial")
      let initial: InitialValue = try initialNode.string() == "steady_state"
        ? .steadyState : .value(try initialNode.double())
      model.species.append(Species(
        name: name, compartment: try located(node.required("compartment")),
        unit: try located(node.required("unit")), initial: initial, location: node.location))
    }
    for (name, node) in try root.optional("reactions")?.entries() ?? [] {
      try node.checkKeys(["equation", "rate", "compartment", "note"])
      model.reactions.append(Reaction(
        name: name, equation: try located(node.required("equation")), rate: try located(node.required("rate")),
        compartment: try node.optional("compartment").map(located), location: node.location))
    }
    for (name, node) in try root.optional("rates")?.entries() ?? [] {
      model.rateRules.append(RateRule(species: name, expression: try located(node), location: node.location))
    }
    for (name, node) in try root.optional("observables")?.entries() ?? [] {
      try node.checkKeys(["expression", "unit", "description"])
      model.observables.append(Observable(
        name: name, expression: try located(node.required("expression")), unit: try located(node.required("unit")),
        description: try node.optional("description")?.string(), location: node.location))
    }
    for (name, node) in try root.optional("routes")?.entries() ?? [] {
      model.routes.append(try route(name, node))
    }
    for node in try root.optional("correlations")?.elements() ?? [] {
      try node.checkKeys(["between", "r", "source", "note"])
      let between = try node.required("between")
      let names = try between.elements()
      guard names.count == 2 else { throw between.error("'between' takes two parameter names") }
      model.correlations.append(Correlation(
        first: try located(names[0]), second: try located(names[1]), coefficient: try located(node.required("r")),
        source: try node.required("source").string(), note: try node.optional("note")?.string(),
        location: node.location))
    }
    return model
  }

  private static func located(_ node: YAMLNode) throws -> Located<String> {
    Located(value: try node.string(), location: node.location)
  }

  private static func range(_ node: YAMLNode?) throws -> ClosedRange<Double>? {
    guard let node else { return nil }
    let bounds = try node.elements()
    guard bounds.count == 2 else { throw node.error("expected [low, high]") }
    let low = try bounds[0].double(), high = try bounds[1].double()
    guard low <= high else { throw node.error("range [\(low), \(high)] is empty; expected low ≤ high") }
    return low...high
  }

  private static func parameter(_ name: String, _ node: YAMLNode) throws -> Parameter {
    try node.checkKeys(["value", "unit", "source", "evidence", "note", "variability", "range"])
    let evidenceNode = try node.required("evidence")
    guard let evidence = Evidence(rawValue: try evidenceNode.string()) else {
      throw evidenceNode.error("unknown evidence grade '\(try evidenceNode.string())'; expected one of \(Evidence.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let note = try node.optional("note")?.string()
    if evidence == .assumed && (note ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
      throw node.error("an assumed value needs a note saying how it was chosen", name: name)
    }
    var variability: Variability? = nil
    if let v = try node.optional("variability") {
      try v.checkKeys(["distribution", "cv"])
      let distributionNode = try v.required("distribution")
      guard let distribution = Variability.Distribution(rawValue: try distributionNode.string()) else {
        throw distributionNode.error("unknown distribution; expected lognormal or normal")
      }
      let cvNode = try v.required("cv")
      let cv = try cvNode.double()
      guard cv >= 0 else { throw cvNode.error("cv must be ≥ 0") }
      variability = Variability(distribution: distribution, cv: cv, location: v.location)
    }
    let value = try node.required("value").double()
    let range = try range(node.optional("range"))
    if let range, !range.contains(value) {
      throw node.error("value \(value) lies outside its range [\(range.lowerBound), \(range.upperBound)]", name: name)
    }
    return Parameter(
      name: name, value: value, unit: try located(node.required("unit")),
      source: try node.required("source").string(), evidence: evidence, note: note,
      variability: variability, range: range, location: node.location)
  }

  private static func route(_ name: String, _ node: YAMLNode) throws -> Route {
    var settings: [String: Double] = [:]
    var substances: [RouteSubstance] = []
    for (key, value) in try node.entries() {
      switch key {
      case "bioavailability", "lag", "max_single_dose", "amount", "requires", "removal": continue
      case "substances":
        for (substance, entry) in try value.entries() {
          try entry.checkKeys(["species", "molecular_weight"])
          let weightNode = try entry.required("molecular_weight")
          let weight = try weightNode.double()
          guard weight > 0 else { throw weightNode.error("molecular weight must be > 0 g/mol") }
          substances.append(RouteSubstance(
            name: substance, species: try located(entry.required("species")), molecularWeight: weight,
            location: entry.location))
        }
      default:
        settings[key] = try value.double()
      }
    }
    guard !substances.isEmpty else { throw node.error("a route needs at least one substance", name: name) }
    let bioavailability = try node.optional("bioavailability").map(located)
      ?? Located(value: "1", location: node.location)
    let requires = try node.optional("requires")?.elements().map { try $0.string() } ?? []
    var removal: (String, [Located<String>])? = nil
    if let r = try node.optional("removal") {
      try r.checkKeys(["after", "species"])
      removal = (try r.required("after").string(), try r.required("species").elements().map(located))
    }
    return Route(
      name: name, bioavailability: bioavailability, lag: try node.optional("lag").map(located),
      maxSingleDose: try node.optional("max_single_dose").map(located), substances: substances,
      settings: settings, amount: try node.optional("amount").map(located), requires: requires,
      removal: removal, location: node.location)
  }
}
