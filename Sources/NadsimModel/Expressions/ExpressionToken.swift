/// One lexical unit of a formula, with the 1-based column where it starts.
struct ExpressionToken: Equatable {
  enum Kind: Equatable {
    case number(Double)
    case identifier(String)
    /// An operator or punctuation, spelled as in the text (`**` is kept as written).
    case punctuation(String)
    case end
  }

  var kind: Kind
  var column: Int

  /// How the token reads in an error message.
  var quoted: String {
    switch kind {
    case .number(let value): return "number \(value)"
    case .identifier(let name): return "'\(name)'"
    case .punctuation(let text): return "'\(text)'"
    case .end: return "the end of the formula"
    }
  }

  func isPunctuation(_ text: String) -> Bool { kind == .punctuation(text) }
}

/// Splits formula text into tokens: numbers (`12`, `1.5`, `.5`, `1e-3`, `2.5E+4`), identifiers
/// `[A-Za-z_][A-Za-z0-9_]*`, and the operators `+ - * / ^ ** ( ) , < <= > >= == != && || !`.
/// Whitespace separates tokens and is otherwise ignored.
enum ExpressionTokenizer {
  static func tokens(of text: String) throws(ExpressionParseError) -> [ExpressionToken] {
    let scalars = Array(text.unicodeScalars)
    var tokens: [ExpressionToken] = []
    var i = 0
    func at(_ k: Int) -> Unicode.Scalar? { k < scalars.count ? scalars[k] : nil }
    while i < scalars.count {
      let c = scalars[i]
      let column = i + 1
      if c == " " || c == "\t" || c == "\n" || c == "\r" {
        i += 1
        continue
      }
      if isDigit(c) || (c == "." && at(i + 1).map(isDigit) == true) {
        let start = i
        while let d = at(i), isDigit(d) { i += 1 }
        if at(i) == "." {
          i += 1
          while let d = at(i), isDigit(d) { i += 1 }
        }
        if at(i) == "e" || at(i) == "E" {
          i += 1
          if at(i) == "+" || at(i) == "-" { i += 1 }
          guard let d = at(i), isDigit(d) else {
            throw ExpressionParseError("expected digits in the exponent of a number", column: i + 1)
          }
          while let d = at(i), isDigit(d) { i += 1 }
        }
        if let d = at(i), isIdentifierStart(d) {
          throw ExpressionParseError("unexpected '\(d)' after a number", column: i + 1)
        }
        var literal = ""
        literal.unicodeScalars.append(contentsOf: scalars[start..<i])
        // Double(_:) rounds correctly; literals beyond the range give ±infinity or 0, as strtod does.
        guard let value = Double(literal) else {
          throw ExpressionParseError("malformed number '\(literal)'", column: column)
        }
        tokens.append(ExpressionToken(kind: .number(value), column: column))
        continue
      }
      if isIdentifierStart(c) {
        let start = i
        while let d = at(i), isIdentifierStart(d) || isDigit(d) { i += 1 }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[start..<i])
        tokens.append(ExpressionToken(kind: .identifier(name), column: column))
        continue
      }
      let next = at(i + 1)
      let text: String
      switch c {
      case "+", "-", "/", "^", "(", ")", ",": text = String(c)
      case "*": text = next == "*" ? "**" : "*"
      case "<": text = next == "=" ? "<=" : "<"
      case ">": text = next == "=" ? ">=" : ">"
      case "!": text = next == "=" ? "!=" : "!"
      case "=":
        guard next == "=" else { throw ExpressionParseError("unexpected '='; compare with '=='", column: column) }
        text = "=="
      case "&":
        guard next == "&" else { throw ExpressionParseError("expected '&&'", column: column) }
        text = "&&"
      case "|":
        guard next == "|" else { throw ExpressionParseError("expected '||'", column: column) }
        text = "||"
      default:
        throw ExpressionParseError("unexpected character '\(c)'", column: column)
      }
      tokens.append(ExpressionToken(kind: .punctuation(text), column: column))
      i += text.unicodeScalars.count
    }
    tokens.append(ExpressionToken(kind: .end, column: scalars.count + 1))
    return tokens
  }

  private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

  private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
  }
}
