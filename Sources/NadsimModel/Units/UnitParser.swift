/// Reads unit strings as people write them in kinetic models: `µM`, `µmol/L/h`, `L/h/kg`,
/// `mg/cm^2`, `cm2`, `h^-1`, `1/h`, `mol·L⁻¹·h⁻¹`, `(mol/L)^2`, `%`, `dimensionless`.
///
/// Grammar (whitespace is free between tokens):
///
///     unit     := product
///     product  := factor (('*' | '·' | '⋅' | '.' | '/') factor | factor)*  // juxtaposition: ×
///     factor   := primary [('^' | '**') exponent | attached]
///     primary  := symbol | number | '(' product ')'
///     exponent := ['-' | '+'] number | '(' ['-' | '+'] number ['/' number] ')'
///     attached := digits, '-'digits or superscripts written right after a symbol or ')':
///                 cm2, h-1, cm², h⁻¹
///
/// `/` and `*` group from the left, so `µmol/L/h` is µmol/(L·h). A multiplication after a division
/// in the same group (`µmol/L·h`, `mg/kg*h`) is rejected because readers disagree on it: write
/// `µmol/(L·h)` or `µmol·h/L`. Exponents are integers or fractions (`^(1/2)`, `^0.5`). Numbers are
/// positive scale factors (`1/h`, `1000 L`). `per` is not supported (`1/h`, not `per h`).
///
/// Errors carry the 1-based column of the offending character and say what was expected; an
/// unknown symbol lists known ones close to it.
public struct UnitParser: Sendable {
  /// The parser with the built-in symbols (listed by ``knownSymbols``; defined in
  /// `UnitSymbols.swift`).
  public static let standard = UnitParser()

  private let symbols: [String: Unit]

  /// A parser with the built-in symbols plus `additionalSymbols` (which win over built-in ones of
  /// the same spelling), for model-specific units such as "cell" or "IU".
  public init(additionalSymbols: [String: Unit] = [:]) {
    var table = UnitSymbols.standard
    for (spelling, unit) in additionalSymbols { table[UnitParser.foldingMu(spelling)] = unit }
    symbols = table
  }

  /// Every spelling the parser accepts, sorted.
  public var knownSymbols: [String] { symbols.keys.sorted() }

  /// The unit of one symbol ("uM", "h", "%"), or nil if unknown. Greek mu is read as µ.
  public func unit(forSymbol symbol: String) -> Unit? { symbols[UnitParser.foldingMu(symbol)] }

  /// Parses a unit string.
  /// - Throws: ``UnitError`` of kind `syntax` (with the column and what was expected) or
  ///   `unknownSymbol` (with close known symbols in ``UnitError/suggestions``).
  public func parse(_ text: String) throws(UnitError) -> Unit {
    var reader = Reader(text: text, symbols: symbols)
    return try reader.parseUnit()
  }

  /// `s` with Greek mu (U+03BC) replaced by the micro sign (U+00B5), which the table uses.
  static func foldingMu(_ s: String) -> String {
    let greekMu: Character = "\u{3BC}", microSign: Character = "\u{B5}"
    return String(s.map { $0 == greekMu ? microSign : $0 })
  }
}

extension Unit {
  /// The unit written as `text`, read by ``UnitParser/standard``: `try Unit(parsing: "µM/h")`.
  /// - Throws: ``UnitError`` when the text is not a unit.
  public init(parsing text: String) throws(UnitError) {
    self = try UnitParser.standard.parse(text)
  }
}

// MARK: - Implementation

/// Tokens, then recursive descent; one Reader per parse.
private struct Reader {
  enum Kind: Equatable {
    case symbol(String)
    case number(Double)
    case times, divide, caret, minus, plus, open, close
    /// An exponent written right after a symbol or ')': cm2, h-1, cm², h⁻¹.
    case attached(UnitExponent)
    case end
  }

  struct Token {
    var kind: Kind
    /// The characters as written, for messages.
    var text: String
    /// 1-based column of the first character.
    var column: Int
  }

  let source: String
  let symbols: [String: Unit]
  var tokens: [Token] = []
  var position = 0
  /// Set while lexing fails; thrown by parseUnit.
  var lexError: UnitError?

  init(text: String, symbols: [String: Unit]) {
    source = text
    self.symbols = symbols
    do { tokens = try Reader.tokens(of: Array(text), source: text) } catch { lexError = error }
  }

  // MARK: Lexer

  static let superscripts: [Character: Int] = [
    "⁰": 0, "¹": 1, "²": 2, "³": 3, "⁴": 4, "⁵": 5, "⁶": 6, "⁷": 7, "⁸": 8, "⁹": 9,
  ]

  static func tokens(of chars: [Character], source: String) throws(UnitError) -> [Token] {
    var tokens: [Token] = []
    var i = 0
    func fail(_ message: String, at index: Int) -> UnitError {
      UnitError(.syntax, message, text: source, column: index + 1)
    }
    func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
    func digits(from start: Int) -> Int {
      var j = start
      while j < chars.count, isDigit(chars[j]) { j += 1 }
      return j
    }
    while i < chars.count {
      let c = chars[i]
      let start = i
      // An exponent may be attached only to a symbol or ')' with nothing in between.
      let attachable: Bool = {
        guard let last = tokens.last, last.column + last.text.count == start + 1 else {
          return false
        }
        switch last.kind {
        case .symbol, .close: return true
        default: return false
        }
      }()
      if c.isWhitespace {
        i += 1
        continue
      }
      if attachable,
        isDigit(c) || ((c == "-" || c == "+") && i + 1 < chars.count && isDigit(chars[i + 1]))
      {
        let end = digits(from: isDigit(c) ? i : i + 1)
        let text = String(chars[i..<end])
        guard let n = Int(text) else { throw fail("exponent \(text) is too large", at: i) }
        tokens.append(Token(kind: .attached(UnitExponent(n)), text: text, column: start + 1))
        i = end
        continue
      }
      if c == "⁻" || c == "⁺" || superscripts[c] != nil {
        guard attachable else {
          throw fail("a superscript exponent must follow a unit symbol or ')' directly", at: i)
        }
        var sign = 1
        if c == "⁻" || c == "⁺" {
          sign = c == "⁻" ? -1 : 1
          i += 1
        }
        var value = 0
        let firstDigit = i
        while i < chars.count, let d = superscripts[chars[i]] {
          value = value * 10 + d
          i += 1
        }
        guard i > firstDigit else { throw fail("expected superscript digits after '\(c)'", at: i) }
        tokens.append(
          Token(
            kind: .attached(UnitExponent(sign * value)), text: String(chars[start..<i]),
            column: start + 1))
        continue
      }
      if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
        var end = digits(from: i)
        if end < chars.count, chars[end] == "." { end = digits(from: end + 1) }
        // An exponent part only if digits follow the e (so "2e" is not half a number).
        if end < chars.count, chars[end] == "e" || chars[end] == "E" {
          var k = end + 1
          if k < chars.count, chars[k] == "-" || chars[k] == "+" { k += 1 }
          if k < chars.count, isDigit(chars[k]) { end = digits(from: k) }
        }
        let text = String(chars[i..<end])
        guard let value = Double(text) else { throw fail("'\(text)' is not a number", at: i) }
        tokens.append(Token(kind: .number(value), text: text, column: start + 1))
        i = end
        continue
      }
      if c.isLetter || c == "%" {
        var end = i + 1
        if c != "%" { while end < chars.count, chars[end].isLetter { end += 1 } }
        let text = String(chars[i..<end])
        tokens.append(
          Token(kind: .symbol(UnitParser.foldingMu(text)), text: text, column: start + 1))
        i = end
        continue
      }
      let kind: Kind
      var length = 1
      switch c {
      case "*":
        if i + 1 < chars.count, chars[i + 1] == "*" {
          kind = .caret
          length = 2
        } else {
          kind = .times
        }
      case "·", "⋅", ".": kind = .times
      case "/": kind = .divide
      case "^": kind = .caret
      case "-", "−": kind = .minus
      case "+": kind = .plus
      case "(": kind = .open
      case ")": kind = .close
      default: throw fail("unexpected character '\(c)'", at: i)
      }
      tokens.append(Token(kind: kind, text: String(chars[i..<i + length]), column: start + 1))
      i += length
    }
    tokens.append(Token(kind: .end, text: "", column: chars.count + 1))
    return tokens
  }

  // MARK: Parser

  var current: Token { tokens[position] }

  mutating func advance() { position += 1 }

  func error(_ message: String, at token: Token) -> UnitError {
    UnitError(.syntax, message, text: source, column: token.column)
  }

  /// "'x'" for a token, "the end" for the end.
  func found(_ token: Token) -> String {
    token.kind == .end ? "the end of the unit" : "'\(token.text)'"
  }

  mutating func parseUnit() throws(UnitError) -> Unit {
    if let lexError { throw lexError }
    if tokens.count == 1 {
      throw UnitError(
        .syntax, "empty unit: write 'dimensionless' or '1' for a plain number", text: source,
        column: 1)
    }
    let unit = try parseProduct()
    switch current.kind {
    case .end: return unit
    case .close: throw error("unmatched ')'", at: current)
    default:
      throw error(
        "expected '*', '/', '^' or the end of the unit, found \(found(current))", at: current)
    }
  }

  mutating func parseProduct() throws(UnitError) -> Unit {
    var unit = try parseFactor(after: nil)
    var divided: Token?
    while true {
      let token = current
      switch token.kind {
      case .times, .divide:
        advance()
        if token.kind == .times, let slash = divided { throw ambiguous(slash, token) }
        let rhs = try parseFactor(after: token)
        if token.kind == .divide {
          divided = token
          unit = unit / rhs
        } else {
          unit = unit * rhs
        }
      case .symbol, .open:
        if let slash = divided { throw ambiguous(slash, token) }
        unit = unit * (try parseFactor(after: nil))
      default:
        return unit
      }
    }
  }

  func ambiguous(_ slash: Token, _ next: Token) -> UnitError {
    error(
      "a multiplication after '/' (column \(slash.column)) is ambiguous: use parentheses, "
        + "such as µmol/(L·h), or only '/', such as µmol/L/h", at: next)
  }

  mutating func parseFactor(after op: Token?) throws(UnitError) -> Unit {
    let base = try parsePrimary(after: op)
    switch current.kind {
    case .caret:
      let caret = current
      advance()
      return base.raised(to: try parseExponent(after: caret))
    case .attached(let e):
      advance()
      return base.raised(to: e)
    default:
      return base
    }
  }

  mutating func parsePrimary(after op: Token?) throws(UnitError) -> Unit {
    let token = current
    switch token.kind {
    case .symbol(let symbol):
      advance()
      if let unit = symbols[symbol] { return unit }
      if symbol == "per" {
        throw UnitError(
          .unknownSymbol, "'per' is not supported: write 1/h or µmol/h, not 'per h'",
          text: source, column: token.column)
      }
      let close = UnitSymbols.suggestions(for: symbol, among: symbols.keys)
      let hint = close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"
      throw UnitError(
        .unknownSymbol, "unknown unit symbol '\(token.text)'\(hint)", text: source,
        column: token.column, suggestions: close)
    case .number(let value):
      advance()
      guard value > 0, value.isFinite else {
        throw error("a number in a unit must be positive", at: token)
      }
      return value == 1
        ? .dimensionless : Unit(rawFactor: value, dimension: .none, terms: [UnitTerm(token.text)])
    case .open:
      advance()
      let inner = try parseProduct()
      guard current.kind == .close else {
        throw error(
          "expected ')' to close the '(' at column \(token.column), found \(found(current))",
          at: current)
      }
      advance()
      return inner
    default:
      let place = op.map { " after '\($0.text)'" } ?? ""
      throw error(
        "expected a unit symbol, a number or '('\(place), found \(found(token))", at: token)
    }
  }

  mutating func parseExponent(after caret: Token) throws(UnitError) -> UnitExponent {
    if current.kind == .open {
      let open = current
      advance()
      var e = try parseSignedNumber(after: caret)
      if current.kind == .divide {
        let slash = current
        advance()
        let d = try parseSignedNumber(after: slash)
        guard d != 0 else { throw error("division by zero in an exponent", at: slash) }
        e = e * UnitExponent(d.denominator, d.numerator)
      }
      guard current.kind == .close else {
        throw error(
          "expected ')' to close the '(' at column \(open.column), found \(found(current))",
          at: current)
      }
      advance()
      return e
    }
    return try parseSignedNumber(after: caret)
  }

  mutating func parseSignedNumber(after op: Token) throws(UnitError) -> UnitExponent {
    var sign = 1.0
    if current.kind == .minus || current.kind == .plus {
      sign = current.kind == .minus ? -1 : 1
      advance()
    }
    let token = current
    guard case .number(let value) = token.kind else {
      throw error(
        "expected an exponent (an integer such as 2 or -1) after '\(op.text)', "
          + "found \(found(token))", at: token)
    }
    advance()
    guard let e = UnitExponent(approximating: sign * value) else {
      throw error("exponent \(token.text) is not a fraction with a small denominator", at: token)
    }
    return e
  }
}
