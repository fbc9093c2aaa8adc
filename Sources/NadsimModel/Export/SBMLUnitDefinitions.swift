import Foundation

/// The SBML unit definitions of an export: one `<unitDefinition>` per distinct ``Unit`` used,
/// each exact, with an id derived from the unit's written form (`µmol/L/h` → `u_umol_per_L_per_h`)
/// and that form as its `name`.
///
/// SBML writes a unit as a product of base kinds, (multiplier · 10^scale · kind)^exponent. A nadsim
/// unit has a factor relative to mol, m, kg, s and rational exponents of amount, length, mass and
/// time. The kinds are `mole`, `litre` (when the length exponent is a multiple of 3, else `metre`),
/// `gram` and `second`; the factor left over is moved where it reads naturally (hours, minutes,
/// days, weeks and Julian years as the multiplier of `second`, powers of ten as the scale of the
/// first kind whose exponent divides them), and whatever cannot be placed exactly becomes one
/// `dimensionless` unit with that multiplier. The result is checked to reproduce the factor to
/// 12 digits; if it does not, the plain encoding (kinds plus one dimensionless multiplier) is used.
struct SBMLUnitDefinitions {
  private var ids: [Unit: String] = [:]
  private var taken: Set<String> = []
  private(set) var elements: [MarkupElement] = []

  /// The UnitSIdRef for `unit`: `dimensionless` for a plain number, else the id of its definition
  /// (added on first use).
  mutating func reference(_ unit: Unit) -> String {
    if unit.isPureNumber { return "dimensionless" }
    if let id = ids[unit] { return id }
    let id = uniqueID(for: unit)
    ids[unit] = id
    elements.append(MarkupElement("unitDefinition", [("id", id), ("name", unit.description)], children: [
      MarkupElement("listOfUnits", children: Self.units(for: unit).map { $0.element }),
    ]))
    return id
  }

  // MARK: - Ids

  private mutating func uniqueID(for unit: Unit) -> String {
    var base = "u_"
    for character in unit.description {
      switch character {
      case "µ", "μ": base += "u"
      case "/": base += "_per_"
      case "·", " ": base += "_"
      case "%": base += "percent"
      case "-": base += "m"
      case "a"..."z", "A"..."Z", "0"..."9", "_": base.append(character)
      default: continue  // ^ ( ) and anything else
      }
    }
    var id = base
    var k = 2
    while taken.contains(id) {
      id = "\(base)_\(k)"
      k += 1
    }
    taken.insert(id)
    return id
  }

  // MARK: - Decomposition

  struct Part {
    var kind: String
    var exponent: Double
    var scale = 0
    var multiplier = 1.0

    var element: MarkupElement {
      MarkupElement("unit", [("kind", kind), ("exponent", SBMLWriter.number(exponent)),
                             ("scale", String(scale)), ("multiplier", SBMLWriter.number(multiplier))])
    }

    /// (multiplier · 10^scale)^exponent.
    var factor: Double { pow(multiplier * pow(10, Double(scale)), exponent) }
  }

  /// The SBML units whose product is `unit`.
  static func units(for unit: Unit) -> [Part] {
    let d = unit.dimension
    func value(_ e: UnitExponent) -> Double { Double(e.numerator) / Double(e.denominator) }
    var parts: [Part] = []
    var residual = unit.factor
    if d.amount != 0 { parts.append(Part(kind: "mole", exponent: value(d.amount))) }
    if d.length != 0 {
      if d.length.denominator == 1 && d.length.numerator % 3 == 0 {
        let litres = d.length.numerator / 3
        parts.append(Part(kind: "litre", exponent: Double(litres)))
        residual /= power(1e-3, litres)
      } else {
        parts.append(Part(kind: "metre", exponent: value(d.length)))
      }
    }
    if d.mass != 0 {
      parts.append(Part(kind: "gram", exponent: value(d.mass)))
      if d.mass.denominator == 1 { residual /= power(1e-3, d.mass.numerator) } else { residual /= pow(1e-3, value(d.mass)) }
    }
    if d.time != 0 { parts.append(Part(kind: "second", exponent: value(d.time))) }
    residual = Unit.cleaned(residual)
    let plain = parts + (residual == 1 ? [] : [Part(kind: "dimensionless", exponent: 1, multiplier: residual)])

    // Readable placement of the residual factor.
    var placed = parts
    var left = residual
    if d.time != 0, d.time.denominator == 1, let k = placed.firstIndex(where: { $0.kind == "second" }) {
      for seconds in [60.0, 3600, 86_400, 604_800, 31_557_600] {
        let rest = Unit.cleaned(left / power(seconds, d.time.numerator))
        if powerOfTen(rest) != nil {
          placed[k].multiplier = seconds
          left = rest
          break
        }
      }
    }
    if left != 1, let k = powerOfTen(left) {
      if let i = placed.firstIndex(where: { $0.exponent == $0.exponent.rounded() && k % Int($0.exponent) == 0 }) {
        placed[i].scale = k / Int(placed[i].exponent)
      } else {
        placed.append(Part(kind: "dimensionless", exponent: 1, scale: k))
      }
      left = 1
    }
    if left != 1 { placed.append(Part(kind: "dimensionless", exponent: 1, multiplier: left)) }
    let product = placed.reduce(1.0) { $0 * $1.factor }
    return abs(product - residual) <= 1e-12 * residual ? placed : plain
  }

  /// k when x is 10^k (as the literal `1e<k>` reads), else nil.
  private static func powerOfTen(_ x: Double) -> Int? {
    guard x > 0, x.isFinite else { return nil }
    let k = Int(log10(x).rounded())
    return Double("1e\(k)") == x ? k : nil
  }

  /// xⁿ by repeated multiplication (exact for the powers of 10⁻³ and 60 that units use).
  private static func power(_ x: Double, _ n: Int) -> Double {
    var result = 1.0
    for _ in 0..<abs(n) { result *= x }
    return n < 0 ? 1 / result : result
  }
}
