/// The unit symbols the parser knows, each mapped to its ``Unit`` (which carries the symbol it
/// prints as: "umol" prints "µmol", "ml" prints "mL", "yr" prints "yr").
///
/// Prefixed forms are generated per base with only the prefixes met in kinetic models:
/// mol (f p n µ m), M = mol/L (f p n µ m), L or l (n µ m c d), g (p n µ m k), m (n µ m c d k),
/// s (n µ m). Micro is µ (U+00B5), μ (Greek mu, U+03BC; folded to µ before lookup) or the ASCII u.
/// Symbols are case-sensitive: mM is millimolar, mm millimetre, M molar, m metre.
enum UnitSymbols {
  /// Spelling → unit.
  static let standard: [String: Unit] = {
    var table: [String: Unit] = [:]
    func define(_ spellings: [String], _ unit: Unit) {
      for spelling in spellings {
        precondition(table[spelling] == nil, "unit symbol \(spelling) defined twice")
        table[spelling] = unit
      }
    }
    /// (printed prefix, spellings, factor)
    let prefixes: [Character: (String, [String], Double)] = [
      "f": ("f", ["f"], 1e-15), "p": ("p", ["p"], 1e-12), "n": ("n", ["n"], 1e-9),
      "µ": ("µ", ["µ", "u"], 1e-6), "m": ("m", ["m"], 1e-3), "c": ("c", ["c"], 1e-2),
      "d": ("d", ["d"], 1e-1), "k": ("k", ["k"], 1e3),
    ]
    /// A base unit and its prefixed forms.
    func family(
      _ printed: String, spellings: [String], factor: Double, _ dimension: UnitDimension,
      prefixes allowed: String
    ) {
      define(spellings, Unit(factor: factor, dimension: dimension, symbol: printed))
      for key in allowed {
        guard let (printedPrefix, prefixSpellings, scale) = prefixes[key] else {
          preconditionFailure("unknown prefix \(key)")
        }
        let unit = Unit(
          factor: scale * factor, dimension: dimension, symbol: printedPrefix + printed)
        define(prefixSpellings.flatMap { p in spellings.map { p + $0 } }, unit)
      }
    }

    // Amount, concentration, volume, mass, length.
    family("mol", spellings: ["mol"], factor: 1, .amount, prefixes: "fpnµm")
    // M = mol/L = 1e3 mol/m³.
    family("M", spellings: ["M"], factor: 1e3, .concentration, prefixes: "fpnµm")
    family("L", spellings: ["L", "l"], factor: 1e-3, .volume, prefixes: "nµmcd")
    family("g", spellings: ["g"], factor: 1e-3, .mass, prefixes: "pnµmk")
    family("m", spellings: ["m"], factor: 1, .length, prefixes: "nµmcdk")
    define(["mcg"], Unit(factor: 1e-9, dimension: .mass, symbol: "µg"))
    // Molar mass: 1 Da = 1 g/mol.
    define(["Da"], Unit(factor: 1e-3, dimension: .mass / .amount, symbol: "Da"))
    define(["kDa"], Unit(factor: 1, dimension: .mass / .amount, symbol: "kDa"))

    // Time. A year is the Julian year, 365.25 d = 8766 h.
    family("s", spellings: ["s", "sec"], factor: 1, .time, prefixes: "nµm")
    define(["min"], Unit(factor: 60, dimension: .time, symbol: "min"))
    define(["h", "hr", "hour", "hours"], Unit(factor: 3600, dimension: .time, symbol: "h"))
    define(["d", "day", "days"], Unit(factor: 86_400, dimension: .time, symbol: "d"))
    define(["wk", "week", "weeks"], Unit(factor: 604_800, dimension: .time, symbol: "wk"))
    define(["yr", "year", "years"], Unit(factor: 31_557_600, dimension: .time, symbol: "yr"))

    // Plain numbers. These have no written form, so "fraction/h" prints as "1/h".
    define(["dimensionless", "fraction", "unitless"], .dimensionless)
    define(["%", "percent"], Unit(factor: 1e-2, dimension: .none, symbol: "%"))
    define(["ppm"], Unit(factor: 1e-6, dimension: .none, symbol: "ppm"))
    define(["ppb"], Unit(factor: 1e-9, dimension: .none, symbol: "ppb"))
    return table
  }()

  /// Known spellings close to `symbol`, closest first, at most `limit`: those equal ignoring case,
  /// then those within edit distance 1 (symbols of 1–2 characters) or 2 (longer ones).
  static func suggestions(for symbol: String, among known: some Sequence<String>, limit: Int = 5)
    -> [String]
  {
    let lowered = symbol.lowercased()
    let maxDistance = symbol.count <= 2 ? 1 : 2
    var scored: [(Int, String)] = []
    for candidate in known {
      let distance = candidate.lowercased() == lowered ? 0 : editDistance(symbol, candidate)
      if distance <= maxDistance { scored.append((distance, candidate)) }
    }
    scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    return scored.prefix(limit).map(\.1)
  }

  /// Levenshtein distance over characters.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
