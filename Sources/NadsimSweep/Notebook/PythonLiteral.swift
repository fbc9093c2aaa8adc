/// Python source literals for values the generator puts into notebook code.
enum PythonLiteral {
  /// A double-quoted Python string: backslashes, quotes and control characters escaped, other
  /// characters (µ, spaces, brackets) as themselves (Python 3 source is UTF-8).
  static func string(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value) {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  static func optionalString(_ value: String?) -> String {
    value.map(string) ?? "None"
  }

  static func list(_ values: [String]) -> String {
    "[" + values.map(string).joined(separator: ", ") + "]"
  }
}
