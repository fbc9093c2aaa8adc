import Foundation

/// Writes a ``Model`` as an SBML Level 3 Version 2 core document that COPASI, libRoadRunner and
/// other SBML simulators integrate to the same trajectories as nadsim.
///
/// **How the dynamics are encoded, and why.** Each species gets a `rateRule` whose formula is its
/// nadsim right-hand side (``Model/rightHandSides``): every rate law, stoichiometric coefficient,
/// unit conversion factor, volume scaling and state-dependent assignment is already in it, in the
/// model's working units. Reactions are not exported (SBML forbids a species that has a rate rule
/// from being a reactant or product), so the document computes exactly what nadsim computes,
/// operation for operation, instead of relying on each reader re-deriving nadsim's
/// amount/concentration and unit conventions from reactions. The reactions are listed in the
/// model's notes for readers.
///
/// **Values.** Every symbol keeps the number nadsim uses for it:
/// - covariates and parameters: constant parameters with their declared values and units;
/// - constant assignments: constant parameters with an `initialAssignment` of their formula (so a
///   changed covariate propagates) and, for readers that ignore initial assignments, the value at
///   the defaults;
/// - compartments: constant, `size` in their declared unit (the unit the formulas use), with an
///   `initialAssignment` when the volume is a formula;
/// - species: in the working units. An amount species has `hasOnlySubstanceUnits="true"` and an
///   `initialAmount`; a concentration species has `hasOnlySubstanceUnits="false"` and an
///   `initialConcentration`, so that its symbol (and its rate rule) is the concentration. Because
///   the compartments are constant, the rate rule of a concentration is exactly d(concentration)/dt.
///   The species' `substanceUnits` are chosen so that substance / compartment unit is the working
///   concentration unit (a compartment in mL with working µmol/L makes the substance unit nmol);
///   no species is a boundary species;
/// - observables: non-constant parameters set by `assignmentRule`s;
/// - infusion inputs: for every species a route doses into, a non-constant parameter
///   `infusion_<species>` (value 0, in the species' working unit per model time unit) added to its
///   rate rule, as nadsim adds a constant-rate infusion to that species' right-hand side. A
///   simulator reproduces an infusion by setting it to the rate (bioavailability included, divided
///   by the compartment volume for a concentration species) at the infusion's start and back at its
///   end; `nadsim export scenarios` lists these changes (`infusion_rate`).
///
/// Units are written as exact unit definitions (see ``SBMLUnitDefinitions``). Literal numbers in
/// formulas carry no units (nadsim's conversion factors are plain numbers), so a unit checker reports
/// formulas whose units it cannot fully determine; that is a warning, not an error. Routes and doses
/// are not exported as events: the document describes the untreated model, with the inputs a dose
/// acts through.
public struct SBMLWriter {
  public let model: Model

  /// The SBML Level 3 Version 2 core namespace.
  public static let namespace = "http://www.sbml.org/sbml/level3/version2/core"
  static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"

  public init(model: Model) { self.model = model }

  /// The SBML document, with an XML declaration, indented, ending with a newline.
  /// - Parameter initialState: every species' starting value in working units, in
  ///   ``Model/species`` order (for instance the solved steady state); when nil, the values from
  ///   the model file, which then must not use `steady_state`.
  /// - Throws: ``SBMLExportError`` when a species has no initial value, the state has the wrong
  ///   length or a non-finite entry, or a constant does not evaluate to a finite number at the
  ///   defaults.
  public func document(initialState: [Double]? = nil) throws -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + (try element(initialState: initialState)).indented()
  }

  /// The `<sbml>` element as a tree.
  func element(initialState: [Double]?) throws -> MarkupElement {
    let initial = try initialValues(initialState)
    let defaults = try defaultConstants()
    var units = SBMLUnitDefinitions()
    // A dimensionless model (all working units "1") declares `dimensionless` everywhere, which
    // SBML allows for the model's substance, time, volume and extent units.
    let system = model.unitSystem
    let amountUnit = units.reference(system?.amount ?? .dimensionless)
    let modelAttributes: [(String, String)] = [
      ("id", Self.sid(model.name)), ("name", model.name),
      ("substanceUnits", amountUnit), ("timeUnits", units.reference(system?.time ?? .dimensionless)),
      ("volumeUnits", units.reference(system?.volume ?? .dimensionless)), ("extentUnits", amountUnit),
    ]
    func unitAttribute(_ unit: Unit) -> [(String, String)] { [("units", units.reference(unit))] }

    var initialAssignments: [MarkupElement] = []
    func initialAssignment(_ symbol: String, _ expression: Expression) {
      initialAssignments.append(MarkupElement("initialAssignment", [("symbol", symbol)],
                                              children: [MathML.element(expression)]))
    }

    // Compartments.
    var compartments: [MarkupElement] = []
    for c in model.compartments {
      compartments.append(MarkupElement("compartment", [
        ("id", c.name), ("spatialDimensions", "3"), ("size", Self.number(defaults[c.name]!)),
      ] + unitAttribute(c.unit) + [("constant", "true")]))
      if c.volume.numberValue == nil { initialAssignment(c.name, c.volume) }
    }

    // Species.
    var species: [MarkupElement] = []
    for (i, s) in model.species.enumerated() {
      var attributes: [(String, String)] = [("id", s.name), ("compartment", model.compartments[s.compartment].name)]
      switch s.kind {
      case .amount: attributes.append(("initialAmount", Self.number(initial[i])))
      case .concentration: attributes.append(("initialConcentration", Self.number(initial[i])))
      }
      let substance = s.kind == .amount ? s.unit : s.unit * model.compartments[s.compartment].unit
      attributes.append(("substanceUnits", units.reference(substance)))
      attributes += [("hasOnlySubstanceUnits", s.kind == .amount ? "true" : "false"),
                     ("boundaryCondition", "false"), ("constant", "false")]
      species.append(MarkupElement("species", attributes))
    }

    // Parameters: covariates, parameters, constant assignments, observables.
    var parameters: [MarkupElement] = []
    for c in model.covariates {
      var paragraphs = ["Covariate."]
      if let description = c.description { paragraphs.append(description) }
      if let range = c.range { paragraphs.append("Allowed range: [\(Self.number(range.lowerBound)), \(Self.number(range.upperBound))] \(c.unit).") }
      parameters.append(MarkupElement("parameter", [("id", c.name), ("value", Self.number(c.value))]
        + unitAttribute(c.unit) + [("constant", "true")], children: [Self.notes(paragraphs)]))
    }
    for p in model.parameters {
      var paragraphs = ["Source: \(p.source)", "Evidence: \(p.evidence.rawValue)"]
      if let note = p.note { paragraphs.append("Note: \(note)") }
      if let range = p.range { paragraphs.append("Allowed range: [\(Self.number(range.lowerBound)), \(Self.number(range.upperBound))] \(p.unit).") }
      parameters.append(MarkupElement("parameter", [("id", p.name), ("value", Self.number(p.value))]
        + unitAttribute(p.unit) + [("constant", "true")], children: [Self.notes(paragraphs)]))
    }
    for a in model.constantAssignments {
      parameters.append(MarkupElement("parameter", [("id", a.name), ("value", Self.number(defaults[a.name]!))]
        + unitAttribute(a.unit) + [("constant", "true")]))
      initialAssignment(a.name, a.expression)
    }
    let infusions = try infusionInputs()
    for (species, id) in infusions {
      let s = model.species[species]
      parameters.append(MarkupElement("parameter", [("id", id), ("value", "0")]
        + unitAttribute(s.unit / (system?.time ?? .dimensionless)) + [("constant", "false")],
        children: [Self.notes(["Infusion input into \(s.name) (working unit per model time unit); 0 when no infusion runs."])]))
    }
    var rules: [MarkupElement] = []
    for o in model.observables {
      parameters.append(MarkupElement("parameter", [("id", o.name)] + unitAttribute(o.unit) + [("constant", "false")],
                                      children: o.description.map { [Self.notes(["Observable: \($0)"])] } ?? []))
    }

    // Rules: the dynamics, then the observables.
    let inputOf = Dictionary(uniqueKeysWithValues: infusions.map { ($0.species, $0.id) })
    for (i, s) in model.species.enumerated() {
      // The same sum as the compiled model's right-hand side with its infusion input.
      let rate = inputOf[i].map { Expression.binary(.add, model.rightHandSides[i], .symbol($0)) } ?? model.rightHandSides[i]
      rules.append(MarkupElement("rateRule", [("variable", s.name)], children: [MathML.element(rate)]))
    }
    for o in model.observables {
      rules.append(MarkupElement("assignmentRule", [("variable", o.name)], children: [MathML.element(o.expression)]))
    }

    var modelChildren = [Self.notes(modelNotes(initialState: initialState))]
    func list(_ name: String, _ items: [MarkupElement]) {
      if !items.isEmpty { modelChildren.append(MarkupElement(name, children: items)) }
    }
    // Unit definitions are complete only now that every element has asked for its units.
    list("listOfUnitDefinitions", units.elements)
    list("listOfCompartments", compartments)
    list("listOfSpecies", species)
    list("listOfParameters", parameters)
    list("listOfInitialAssignments", initialAssignments)
    list("listOfRules", rules)
    return MarkupElement("sbml", [("xmlns", Self.namespace), ("level", "3"), ("version", "2")], children: [
      MarkupElement("model", modelAttributes, children: modelChildren),
    ])
  }

  // MARK: - Values

  /// The species some route doses into, in species order, with the id of their infusion input.
  /// - Throws: ``SBMLExportError`` when that id is already a symbol of the model.
  func infusionInputs() throws -> [(species: Int, id: String)] {
    let dosed = Set(model.routes.flatMap { $0.substances.map(\.species) })
    let taken = Set(model.covariates.map(\.name) + model.parameters.map(\.name) + model.constantAssignments.map(\.name)
      + model.compartments.map(\.name) + model.species.map(\.name) + model.observables.map(\.name))
    return try model.species.indices.filter(dosed.contains).map { i in
      let id = Self.sid("infusion_" + model.species[i].name)
      guard !taken.contains(id) else {
        throw SBMLExportError("the infusion input of species \(model.species[i].name) would be named \(id), which the model already uses")
      }
      return (i, id)
    }
  }

  private func initialValues(_ given: [Double]?) throws -> [Double] {
    if let given {
      guard given.count == model.species.count else {
        throw SBMLExportError("the initial state has \(given.count) values but the model has \(model.species.count) species")
      }
      for (i, value) in given.enumerated() where !value.isFinite {
        throw SBMLExportError("the initial value of \(model.species[i].name) is \(value), not a finite number")
      }
      return given
    }
    let missing = model.species.filter { $0.initial == nil }.map(\.name)
    guard missing.isEmpty else {
      throw SBMLExportError("species \(missing.joined(separator: ", ")) start at steady_state; pass the solved initial state")
    }
    return model.species.map { $0.initial! }
  }

  /// Covariates, parameters, constant assignments and volumes at the model's defaults, computed
  /// as every simulation computes them (``ScenarioConstants``).
  private func defaultConstants() throws -> [String: Double] {
    do {
      return try ScenarioConstants(model: model).bindings
    } catch let error as ModelError {
      throw SBMLExportError("at the model's defaults: \(error.description)")
    }
  }

  // MARK: - Notes

  private func modelNotes(initialState: [Double]?) -> [String] {
    var paragraphs: [String] = []
    if !model.description.isEmpty { paragraphs.append(model.description) }
    if let source = model.source { paragraphs.append("Source: \(source)") }
    paragraphs.append(
      "Exported by nadsim from \(URL(fileURLWithPath: model.file).lastPathComponent). Each species' dynamics is a rate rule "
        + "holding nadsim's right-hand side in the model's working units (rate laws, stoichiometry, unit factors and "
        + "volume scaling included), so that simulators compute exactly what nadsim computes; the reactions are listed "
        + "below for reference and are not SBML reactions. Doses are not exported; each species a route doses into "
        + "has an infusion input parameter infusion_<species> (0 unless an infusion runs) added to its rate rule.")
    if initialState != nil {
      paragraphs.append("Initial species values were supplied by the exporter (for example a solved steady state).")
    }
    for r in model.reactions {
      let changes = r.stoichiometry.map { entry in
        let name = model.species[entry.species].name
        let c = entry.coefficient
        return (c < 0 ? "−" : "+") + (abs(c) == 1 ? "" : Self.number(abs(c)) + " ") + name
      }
      paragraphs.append("Reaction \(r.name): rate \(r.rate) (\(r.rateUnit)); changes \(changes.joined(separator: ", ")).")
    }
    return paragraphs
  }

  /// An SBML `<notes>` element holding XHTML paragraphs.
  static func notes(_ paragraphs: [String]) -> MarkupElement {
    MarkupElement("notes", children: [
      MarkupElement("body", [("xmlns", xhtmlNamespace)], children: paragraphs.map { MarkupElement("p", text: $0) }),
    ])
  }

  // MARK: - Spelling

  /// A number as an XML Schema double that reads back exactly: integers below 10¹⁵ without a
  /// decimal point, others in Swift's shortest round-trip form (`0.0007`, `1e-07`), `INF`, `-INF`,
  /// `NaN`.
  static func number(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-INF" : "INF" }
    if value == value.rounded(), abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
      return String(Int64(value))
    }
    return value.description
  }

  /// `name` as an SBML SId (letters, digits and `_`, not starting with a digit): other characters
  /// become `_`; an empty result or one starting with a digit gets a leading `_`.
  static func sid(_ name: String) -> String {
    var id = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
    if id.first.map({ $0.isNumber }) ?? true { id = "_" + id }
    return id
  }
}

/// Why a model could not be written as SBML.
public struct SBMLExportError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
