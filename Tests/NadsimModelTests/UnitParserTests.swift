import Testing
import NadsimModel

/// Expected factors are worked out by hand from the definitions: 1 L = 1e-3 m³, 1 g = 1e-3 kg,
/// 1 M = 1 mol/L = 1e3 mol/m³, 1 h = 3600 s, 1 d = 86400 s, 1 wk = 604800 s,
/// 1 yr = 365.25 d = 31557600 s.
@Suite("Unit parser")
struct UnitParserTests {
  static let amount = UnitDimension.amount
  static let concentration = UnitDimension(amount: 1, length: -3)
  static let volume = UnitDimension(length: 3)
  static let length = UnitDimension(length: 1)
  static let area = UnitDimension(length: 2)
  static let mass = UnitDimension(mass: 1)
  static let time = UnitDimension(time: 1)
  static let perTime = UnitDimension(time: -1)
  static let none = UnitDimension()

  /// (text, factor in mol·m·kg·s, dimension)
  static let forms: [(String, Double, UnitDimension)] = [
    ("µM", 1e-3, concentration), ("uM", 1e-3, concentration), ("\u{3BC}M", 1e-3, concentration),
    ("mM", 1, concentration), ("nM", 1e-6, concentration), ("M", 1e3, concentration),
    ("mol", 1, amount), ("mmol", 1e-3, amount), ("µmol", 1e-6, amount), ("umol", 1e-6, amount),
    ("nmol", 1e-9, amount), ("pmol", 1e-12, amount),
    ("L", 1e-3, volume), ("mL", 1e-6, volume), ("µL", 1e-9, volume), ("dL", 1e-4, volume),
    ("m", 1, length), ("cm", 1e-2, length), ("mm", 1e-3, length), ("µm", 1e-6, length),
    ("um", 1e-6, length),
    ("cm^2", 1e-4, area), ("cm2", 1e-4, area), ("cm**2", 1e-4, area), ("cm²", 1e-4, area),
    ("g", 1e-3, mass), ("mg", 1e-6, mass), ("µg", 1e-9, mass), ("ug", 1e-9, mass), ("kg", 1, mass),
    ("s", 1, time), ("min", 60, time), ("h", 3600, time), ("d", 86_400, time),
    ("wk", 604_800, time),
    ("year", 31_557_600, time), ("yr", 31_557_600, time),
    ("1/h", 1.0 / 3600, perTime), ("h^-1", 1.0 / 3600, perTime), ("h-1", 1.0 / 3600, perTime),
    ("h⁻¹", 1.0 / 3600, perTime), ("h^(-1)", 1.0 / 3600, perTime),
    ("µmol/L/h", 1e-6 / 1e-3 / 3600, UnitDimension(amount: 1, length: -3, time: -1)),
    ("µM/h", 1e-3 / 3600, UnitDimension(amount: 1, length: -3, time: -1)),
    ("µmol·L^-1·h^-1", 1e-3 / 3600, UnitDimension(amount: 1, length: -3, time: -1)),
    ("µmol*L**-1*h**-1", 1e-3 / 3600, UnitDimension(amount: 1, length: -3, time: -1)),
    ("µmol L-1 h-1", 1e-3 / 3600, UnitDimension(amount: 1, length: -3, time: -1)),
    ("µmol/(L·h)", 1e-3 / 3600, UnitDimension(amount: 1, length: -3, time: -1)),
    ("L/h/kg", 1e-3 / 3600, UnitDimension(length: 3, mass: -1, time: -1)),
    ("mg/cm^2", 1e-6 / 1e-4, UnitDimension(length: -2, mass: 1)),
    ("cm^2/h", 1e-4 / 3600, UnitDimension(length: 2, time: -1)),
    ("g/mol", 1e-3, UnitDimension(amount: -1, mass: 1)),
    ("nmol/mL", 1e-9 / 1e-6, concentration),
    ("pmol/mg", 1e-12 / 1e-6, UnitDimension(amount: 1, mass: -1)),
    ("(mol/L)^2", 1e6, UnitDimension(amount: 2, length: -6)),
    ("dimensionless", 1, none), ("1", 1, none), ("fraction", 1, none), ("%", 0.01, none),
    ("ppm", 1e-6, none),
    (" µM ", 1e-3, concentration), ("10^-3 mol", 1e-3, amount), ("mol.L-1", 1e3, concentration),
    ("1.5 mg", 1.5e-6, mass),
    ("µmol/(min·mg)", 1e-6 / 60 / 1e-6, UnitDimension(amount: 1, mass: -1, time: -1)),
  ]

  @Test("every listed form parses to its factor and dimension", arguments: 0..<forms.count)
  func parsesForm(_ index: Int) throws {
    let (text, factor, dimension) = Self.forms[index]
    let unit = try Unit(parsing: text)
    #expect(unit.dimension == dimension, "\(text)")
    #expect(abs(unit.factor - factor) <= 1e-12 * factor, "\(text): \(unit.factor) vs \(factor)")
  }

  @Test("different spellings of one unit are equal and hash alike")
  func spellingsAreEqual() throws {
    #expect(try Unit(parsing: "nmol/mL") == Unit(parsing: "µM"))
    #expect(try Unit(parsing: "µmol/L/h") == Unit(parsing: "µM/h"))
    #expect(try Unit(parsing: "h^-1") == Unit(parsing: "1/h"))
    #expect(try Unit(parsing: "mmol/L") == Unit(parsing: "mM"))
    #expect(
      try Set([Unit(parsing: "nmol/mL"), Unit(parsing: "µM"), Unit(parsing: "umol/L")]).count == 1)
    #expect(try Unit(parsing: "µM") != Unit(parsing: "mM"))
    #expect(try Unit(parsing: "%") != Unit(parsing: "1"))
  }

  @Test("units print as written, with µ for u and canonical symbols")
  func printsAsWritten() throws {
    #expect(try Unit(parsing: "umol/L/h").description == "µmol/L/h")
    #expect(try Unit(parsing: "h^-1").description == "1/h")
    #expect(try Unit(parsing: "cm2").description == "cm^2")
    #expect(try Unit(parsing: "ml").description == "mL")
    #expect(try Unit(parsing: "(mol/L)^2").description == "mol^2/L^2")
    #expect(try Unit(parsing: "mg·h/L").description == "mg·h/L")
    #expect(try Unit(parsing: "%").description == "%")
    #expect(try Unit(parsing: "fraction").description == "dimensionless")
    #expect(try Unit(parsing: "fraction/h").description == "1/h")
  }

  // MARK: - Errors

  func failure(_ text: String) -> UnitError? {
    do {
      _ = try Unit(parsing: text)
      return nil
    } catch {
      return error
    }
  }

  @Test("a missing operand is reported at its column with what was expected")
  func missingOperand() throws {
    let error = try #require(failure("mg/"))
    #expect(error.kind == .syntax)
    #expect(error.column == 4)
    #expect(
      error.message
        == "expected a unit symbol, a number or '(' after '/', found the end of the unit")
    #expect(error.description == "unit 'mg/', column 4: " + error.message)
  }

  @Test("syntax errors carry the column of the offending character")
  func syntaxColumns() throws {
    let cases: [(String, Int, String)] = [
      ("(mol/L", 7, "expected ')' to close the '(' at column 1"),
      ("mol)", 4, "unmatched ')'"),
      ("h^", 3, "expected an exponent"),
      ("m^x", 3, "expected an exponent"),
      ("mg & L", 4, "unexpected character '&'"),
      ("-1/h", 1, "expected a unit symbol, a number or '('"),
      ("mg//L", 4, "after '/'"),
      ("", 1, "empty unit"),
      ("   ", 1, "empty unit"),
      ("mol/L*h", 6, "ambiguous"),
      ("mg/kg h", 7, "ambiguous"),
      ("0/h", 1, "positive"),
    ]
    for (text, column, fragment) in cases {
      let error = try #require(failure(text), "\(text) should not parse")
      #expect(error.kind == .syntax, "\(text)")
      #expect(error.column == column, "\(text): \(error)")
      #expect(error.message.contains(fragment), "\(text): \(error)")
    }
  }

  @Test("an unknown symbol is reported with close known ones")
  func unknownSymbol() throws {
    let mins = try #require(failure("mins"))
    #expect(mins.kind == .unknownSymbol)
    #expect(mins.column == 1)
    #expect(mins.suggestions.contains("min"))
    #expect(mins.message.contains("did you mean"))

    let lh = try #require(failure("µmol/Lh"))
    #expect(lh.kind == .unknownSymbol)
    #expect(lh.column == 6)
    #expect(lh.suggestions.contains("L"))

    let moll = try #require(failure("mmoll"))
    #expect(moll.suggestions.first == "mmol")

    let per = try #require(failure("per h"))
    #expect(per.kind == .unknownSymbol)
    #expect(per.message.contains("1/h"))
  }

  @Test("symbols are case-sensitive: mM is millimolar, mm millimetre")
  func caseSensitive() throws {
    #expect(try Unit(parsing: "mM").dimension == Self.concentration)
    #expect(try Unit(parsing: "mm").dimension == Self.length)
    let error = try #require(failure("MOL"))
    #expect(error.suggestions.contains("mol"))
  }

  @Test("a parse error becomes a model error at the offending column of the file")
  func modelErrorColumn() throws {
    let error = try #require(failure("mg/"))
    let modelError = error.modelError(
      at: SourceLocation(file: "m.yaml", line: 3, column: 10), name: "k1")
    #expect(modelError.location == SourceLocation(file: "m.yaml", line: 3, column: 13))
    #expect(modelError.name == "k1")
    #expect(modelError.description.hasPrefix("m.yaml:3:13: 'k1': unit 'mg/', column 4: expected"))
  }

  @Test("extra symbols can be added for a model")
  func additionalSymbols() throws {
    let cell = Unit(factor: 1, dimension: .none, symbol: "cell")
    let parser = UnitParser(additionalSymbols: ["cell": cell])
    let unit = try parser.parse("µmol/cell/h")
    #expect(unit.dimension == UnitDimension(amount: 1, time: -1))
    #expect(unit.description == "µmol/cell/h")
    #expect(parser.knownSymbols.contains("cell"))
    #expect(!UnitParser.standard.knownSymbols.contains("cell"))
  }
}
