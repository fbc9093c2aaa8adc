import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import NadsimModel

/// The SBML export: a well-formed Level 3 Version 2 document with one rate rule per species, one
/// assignment rule per observable, and MathML whose markup is written out by hand below.
/// (Simulating the exported documents with libRoadRunner is Tests/python/test_sbml_roadrunner.py.)
@Suite("SBML export")
struct SBMLWriterTests {
  static func load(_ relativePath: String) throws -> Model {
    try ModelLoader.load(path: modelsFolder.appendingPathComponent(relativePath).path)
  }

  static func parse(_ text: String) throws -> XMLElement {
    let document = try XMLDocument(data: Data(text.utf8), options: [])
    return try #require(document.rootElement())
  }

  /// Elements with the given local name anywhere below `element`.
  static func all(_ name: String, in element: XMLElement) -> [XMLElement] {
    var found: [XMLElement] = []
    for child in element.children ?? [] {
      guard let child = child as? XMLElement else { continue }
      if child.localName == name { found.append(child) }
      found += all(name, in: child)
    }
    return found
  }

  /// The value of the attribute `name` (FoundationXML's `attribute(forName:)` does not find
  /// attributes of elements in a default namespace on Linux, so the list is searched).
  static func attribute(_ name: String, of element: XMLElement) -> String? {
    (element.attributes ?? []).first { $0.name == name || $0.localName == name }?.stringValue
  }

  static func parseExpression(_ text: String) throws -> NadsimModel.Expression { try ExpressionParser.parse(text) }

  // MARK: - Documents

  @Test("the exported documents parse and hold one rate rule per species and one assignment rule per observable",
        arguments: [("testset/hires.yaml", 8, 10, 0, 0), ("testset/rober.yaml", 3, 3, 1, 0),
                    ("examples/two-compartment.yaml", 3, 1 + 6 + 2, 2, 4)])
  func documentCounts(path: String, species: Int, constants: Int, observables: Int, initialAssignments: Int) throws {
    let model = try Self.load(path)
    let root = try Self.parse(try SBMLWriter(model: model).document())
    #expect(root.localName == "sbml")
    #expect(root.uri == "http://www.sbml.org/sbml/level3/version2/core")
    #expect(Self.attribute("level", of: root) == "3")
    #expect(Self.attribute("version", of: root) == "2")
    #expect(Self.all("model", in: root).count == 1)
    #expect(Self.all("species", in: root).count == species)
    #expect(Self.all("parameter", in: root).count == constants + observables)
    #expect(Self.all("rateRule", in: root).count == species)
    #expect(Self.all("assignmentRule", in: root).count == observables)
    #expect(Self.all("initialAssignment", in: root).count == initialAssignments)
    #expect(Self.all("reaction", in: root).isEmpty)
    #expect(Self.all("compartment", in: root).count == model.compartments.count)
    // Every rule variable is a species or an observable parameter, each ruled once.
    let variables = (Self.all("rateRule", in: root) + Self.all("assignmentRule", in: root))
      .compactMap { Self.attribute("variable", of: $0) }
    #expect(Set(variables) == Set(model.species.map(\.name) + model.observables.map(\.name)))
    #expect(variables.count == Set(variables).count)
    // Every unit referenced is defined (or a base unit).
    let defined = Set(Self.all("unitDefinition", in: root).compactMap { Self.attribute("id", of: $0) })
    for element in Self.all("parameter", in: root) + Self.all("compartment", in: root) + Self.all("species", in: root) {
      for name in ["units", "substanceUnits"] {
        if let unit = Self.attribute(name, of: element) {
          #expect(defined.contains(unit) || unit == "dimensionless", "undefined unit \(unit)")
        }
      }
    }
  }

  @Test("species keep nadsim's working values: concentrations with initialConcentration, amounts with initialAmount")
  func speciesAttributes() throws {
    let root = try Self.parse(try SBMLWriter(model: try Self.load("examples/two-compartment.yaml")).document())
    let species = Dictionary(uniqueKeysWithValues: Self.all("species", in: root).map {
      (Self.attribute("id", of: $0)!, $0)
    })
    let central = try #require(species["drug_central"])
    #expect(Self.attribute("initialConcentration", of: central) == "20")
    #expect(Self.attribute("hasOnlySubstanceUnits", of: central) == "false")
    #expect(Self.attribute("boundaryCondition", of: central) == "false")
    let eliminated = try #require(species["eliminated"])
    #expect(Self.attribute("initialAmount", of: eliminated) == "0")
    #expect(Self.attribute("hasOnlySubstanceUnits", of: eliminated) == "true")
    // The peripheral compartment is in mL while species are in µmol/L: the substance unit is
    // µmol·mL/L = nmol, so that substance per compartment unit is µmol/L.
    let peripheral = try #require(species["drug_peripheral"])
    let unitID = try #require(Self.attribute("substanceUnits", of: peripheral))
    let definition = try #require(Self.all("unitDefinition", in: root).first {
      Self.attribute("id", of: $0) == unitID
    })
    let units = Self.all("unit", in: definition)
    #expect(units.count == 1)
    #expect(units.first.flatMap { Self.attribute("kind", of: $0) } == "mole")
    #expect(units.first.flatMap { Self.attribute("scale", of: $0) } == "-9")
    // Compartments: sizes at the defaults (0.25 L/kg × 70 kg; 500 mL/kg × 70 kg).
    let sizes = Dictionary(uniqueKeysWithValues: Self.all("compartment", in: root).map {
      (Self.attribute("id", of: $0)!, Self.attribute("size", of: $0)!)
    })
    #expect(sizes == ["central": "17.5", "peripheral": "35000"])
  }

  @Test("each species a route doses into has an infusion input, 0 and changeable, added to its rate rule")
  func infusionInputs() throws {
    let model = try Self.load("examples/one-compartment-oral.yaml")
    let root = try Self.parse(try SBMLWriter(model: model).document())
    let input = try #require(Self.all("parameter", in: root).first { Self.attribute("id", of: $0) == "infusion_drug_gut" })
    #expect(Self.attribute("value", of: input) == "0")
    #expect(Self.attribute("constant", of: input) == "false")
    // Only the dosed species (drug_gut, the oral route's) has one.
    let inputs = Self.all("parameter", in: root).compactMap { Self.attribute("id", of: $0) }.filter { $0.hasPrefix("infusion_") }
    #expect(inputs == ["infusion_drug_gut"])
    // Its rate rule is the right-hand side plus the input: an <apply><plus/> whose last operand is it.
    let rule = try #require(Self.all("rateRule", in: root).first { Self.attribute("variable", of: $0) == "drug_gut" })
    let apply = try #require(Self.all("apply", in: rule).first)
    let operands = (apply.children ?? []).compactMap { $0 as? XMLElement }
    #expect(operands.first?.localName == "plus")
    #expect(operands.last?.localName == "ci")
    #expect(operands.last?.stringValue?.trimmingCharacters(in: .whitespaces) == "infusion_drug_gut")
    // Rate rules of undosed species do not mention an input.
    for other in Self.all("rateRule", in: root) where Self.attribute("variable", of: other) != "drug_gut" {
      #expect(!Self.all("ci", in: other).contains { $0.stringValue?.contains("infusion_") == true })
    }

    // A model symbol already named like the input is an error, not a silent clash.
    var clashing = model
    var extra = model.covariates[0]
    extra.name = "infusion_drug_gut"
    clashing.covariates.append(extra)
    let error = #expect(throws: SBMLExportError.self) { try SBMLWriter(model: clashing).document() }
    #expect(error?.message.contains("infusion input of species drug_gut") == true)
  }

  @Test("a steady_state species needs an initial state from the caller, which is then written as given")
  func steadyStateNeedsInitialState() throws {
    let text = """
      nadsim_model: 1
      name: turnover
      description: "zero-order synthesis, first-order loss <&> 'quoted'"
      units: {amount: µmol, volume: L, time: h}
      compartments:
        cell: {volume: 2, unit: L}
      parameters:
        ksyn: {value: 3, unit: µmol/L/h, source: test, evidence: defined}
        kdeg: {value: 0.5, unit: 1/h, source: test, evidence: defined}
      species:
        x: {compartment: cell, unit: µM, initial: steady_state}
      reactions:
        synthesis: {equation: "-> x", rate: "ksyn"}
        loss: {equation: "x ->", rate: "kdeg * x"}
      """
    let model = try ModelLoader.resolve(try ModelFile.parse(text, file: "turnover.yaml"))
    #expect(throws: SBMLExportError.self) { try SBMLWriter(model: model).document() }
    #expect(throws: SBMLExportError.self) { try SBMLWriter(model: model).document(initialState: [1, 2]) }
    #expect(throws: SBMLExportError.self) { try SBMLWriter(model: model).document(initialState: [.nan]) }
    let document = try SBMLWriter(model: model).document(initialState: [6.000000000000001])
    let root = try Self.parse(document)
    let x = try #require(Self.all("species", in: root).first)
    #expect(Self.attribute("initialConcentration", of: x) == "6.000000000000001")
    // The description's special characters survive escaping.
    let paragraphs = Self.all("p", in: root).compactMap(\.stringValue)
    #expect(paragraphs.contains("zero-order synthesis, first-order loss <&> 'quoted'"))
  }

  // MARK: - MathML

  @Test("MathML for arithmetic, time, functions and literals is as written by hand", arguments: [
    ("k1 * y1", "<apply><times/><ci>k1</ci><ci>y1</ci></apply>"),
    ("-(k1 * y1) + k2 * y2 * y3",
     "<apply><plus/><apply><minus/><apply><times/><ci>k1</ci><ci>y1</ci></apply></apply>"
       + "<apply><times/><apply><times/><ci>k2</ci><ci>y2</ci></apply><ci>y3</ci></apply></apply>"),
    ("a - b / c ^ 2",
     "<apply><minus/><ci>a</ci><apply><divide/><ci>b</ci><apply><power/><ci>c</ci><cn type=\"integer\">2</cn></apply></apply></apply>"),
    ("0.0007 * t",
     "<apply><times/><cn>0.0007</cn><csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\">t</csymbol></apply>"),
    ("2.5e-7", "<cn type=\"e-notation\">2.5<sep/>-7</cn>"),
    ("1e20", "<cn type=\"e-notation\">1<sep/>20</cn>"),
    ("1e999", "<infinity/>"),
    ("exp(x) + log(x)", "<apply><plus/><apply><exp/><ci>x</ci></apply><apply><ln/><ci>x</ci></apply></apply>"),
    ("log10(x)", "<apply><log/><logbase><cn type=\"integer\">10</cn></logbase><ci>x</ci></apply>"),
    ("sqrt(abs(x))", "<apply><root/><apply><abs/><ci>x</ci></apply></apply>"),
    ("pow(x, 0.5)", "<apply><power/><ci>x</ci><cn>0.5</cn></apply>"),
    ("max(a, b, 1)", "<apply><max/><ci>a</ci><ci>b</ci><cn type=\"integer\">1</cn></apply>"),
    ("min(a, 0)", "<apply><min/><ci>a</ci><cn type=\"integer\">0</cn></apply>"),
  ])
  func arithmetic(formula: String, expected: String) throws {
    #expect(MathML.markup(try Self.parseExpression(formula)) == expected)
  }

  @Test("MathML keeps conditions and numbers apart, and makes piecewise pieces mutually exclusive", arguments: [
    ("piecewise(k, t < 2, 0)",
     "<piecewise><piece><ci>k</ci><apply><lt/><csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\">t</csymbol>"
       + "<cn type=\"integer\">2</cn></apply></piece><otherwise><cn type=\"integer\">0</cn></otherwise></piecewise>"),
    // First true piece wins in nadsim; the second piece is guarded by not(first condition).
    ("piecewise(1, x >= 5, 2, x >= 3, 3)",
     "<piecewise><piece><cn type=\"integer\">1</cn><apply><geq/><ci>x</ci><cn type=\"integer\">5</cn></apply></piece>"
       + "<piece><cn type=\"integer\">2</cn><apply><and/><apply><not/><apply><geq/><ci>x</ci><cn type=\"integer\">5</cn></apply></apply>"
       + "<apply><geq/><ci>x</ci><cn type=\"integer\">3</cn></apply></apply></piece>"
       + "<otherwise><cn type=\"integer\">3</cn></otherwise></piecewise>"),
    // A comparison used as a number is 1 or 0.
    ("(a > b) * c",
     "<apply><times/><piecewise><piece><cn type=\"integer\">1</cn><apply><gt/><ci>a</ci><ci>b</ci></apply></piece>"
       + "<otherwise><cn type=\"integer\">0</cn></otherwise></piecewise><ci>c</ci></apply>"),
    // A number used as a condition is true unless 0.
    ("piecewise(a, b, c)",
     "<piecewise><piece><ci>a</ci><apply><neq/><ci>b</ci><cn type=\"integer\">0</cn></apply></piece>"
       + "<otherwise><ci>c</ci></otherwise></piecewise>"),
    ("piecewise(a, !(b == 1) && c != 2 || d <= 3, 0)",
     "<piecewise><piece><ci>a</ci><apply><or/><apply><and/><apply><not/><apply><eq/><ci>b</ci><cn type=\"integer\">1</cn></apply></apply>"
       + "<apply><neq/><ci>c</ci><cn type=\"integer\">2</cn></apply></apply><apply><leq/><ci>d</ci><cn type=\"integer\">3</cn></apply></apply></piece>"
       + "<otherwise><cn type=\"integer\">0</cn></otherwise></piecewise>"),
  ])
  func conditions(formula: String, expected: String) throws {
    #expect(MathML.markup(try Self.parseExpression(formula)) == expected)
  }

  @Test("a <math> element carries the MathML namespace and parses as XML")
  func mathElement() throws {
    let math = MathML.math(try Self.parseExpression("k7 * y6 * y8"))
    #expect(math.hasPrefix("<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><apply>"))
    let root = try Self.parse(math)
    #expect(Self.all("ci", in: root).map(\.stringValue) == ["k7", "y6", "y8"])
  }

  @Test("literals are spelled so that they read back as the same double")
  func literalsRoundTrip() {
    for value in [0.1, 1.0 / 3.0, 2.5e-7, 6.02214076e23, -4.2e-300, 123456789.125, 1e15, -17] {
      let cn = MathML.number(value)
      let text: String
      if let raw = cn.raw {
        let parts = raw.components(separatedBy: "<sep/>")
        text = parts[0] + "e" + parts[1]
      } else {
        text = cn.text ?? ""
      }
      #expect(Double(text) == value, "\(value) written as \(cn.compact)")
      #expect(Double(SBMLWriter.number(value)) == value)
    }
  }

  // MARK: - Units and names

  @Test("unit definitions reproduce each unit's factor and use readable scales and multipliers", arguments: [
    ("µmol/L/h", [("mole", "1", "-6", "1"), ("litre", "-1", "0", "1"), ("second", "-1", "0", "3600")]),
    ("1/M/s", [("mole", "-1", "0", "1"), ("litre", "1", "0", "1"), ("second", "-1", "0", "1")]),
    ("mg", [("gram", "1", "-3", "1")]),
    ("year", [("second", "1", "0", "31557600")]),
    ("%", [("dimensionless", "1", "-2", "1")]),
    ("cm^2", [("metre", "2", "-2", "1")]),
  ])
  func unitDefinitions(text: String, expected: [(String, String, String, String)]) throws {
    let unit = try NadsimModel.Unit(parsing: text)
    let parts = SBMLUnitDefinitions.units(for: unit)
    let product = parts.reduce(1.0) { $0 * $1.factor }
    // litre = 1e-3 m³ and gram = 1e-3 kg: the kinds' own factors.
    let kindFactor = parts.reduce(1.0) { $0 * ($1.kind == "litre" || $1.kind == "gram" ? pow(1e-3, $1.exponent) : 1) }
    #expect(abs(product * kindFactor - unit.factor) <= 1e-12 * unit.factor)
    #expect(parts.map { $0.element.attributes.map(\.value) } == expected.map { [$0.0, $0.1, $0.2, $0.3] })
  }

  @Test("model names become SIds")
  func sids() {
    #expect(SBMLWriter.sid("two-compartment") == "two_compartment")
    #expect(SBMLWriter.sid("3 pools") == "_3_pools")
    #expect(SBMLWriter.sid("") == "_")
    #expect(SBMLWriter.sid("nad_human") == "nad_human")
  }
}
