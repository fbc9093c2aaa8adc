/// The JSON values a notebook file holds, written the way Jupyter writes `.ipynb` files
/// (`json.dumps(indent=1, sort_keys=True, ensure_ascii=False)` plus a final newline), so that the
/// same notebook is always the same bytes and opening and saving it in Jupyter changes nothing.
public indirect enum NotebookJSON: Equatable, Sendable {
  case string(String)
  case int(Int)
  case bool(Bool)
  case null
  case array([NotebookJSON])
  /// Keys are written sorted, whatever the order here.
  case object([String: NotebookJSON])

  /// The file's text: one space of indentation per level, sorted keys, a final newline.
  public func text() -> String {
    var out = ""
    write(to: &out, indent: 0)
    out += "\n"
    return out
  }

  private func write(to out: inout String, indent: Int) {
    switch self {
    case .string(let value): Self.quote(value, into: &out)
    case .int(let value): out += String(value)
    case .bool(let value): out += value ? "true" : "false"
    case .null: out += "null"
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      out += "[\n"
      for (index, item) in items.enumerated() {
        out += String(repeating: " ", count: indent + 1)
        item.write(to: &out, indent: indent + 1)
        out += index == items.count - 1 ? "\n" : ",\n"
      }
      out += String(repeating: " ", count: indent) + "]"
    case .object(let members):
      if members.isEmpty { out += "{}"; return }
      out += "{\n"
      // Python sorts keys by code point; Swift's String `<` compares Unicode scalars for these keys.
      let keys = members.keys.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
      for (index, key) in keys.enumerated() {
        out += String(repeating: " ", count: indent + 1)
        Self.quote(key, into: &out)
        out += ": "
        members[key]!.write(to: &out, indent: indent + 1)
        out += index == keys.count - 1 ? "\n" : ",\n"
      }
      out += String(repeating: " ", count: indent) + "}"
    }
  }

  /// A JSON string as Python's `json.dumps(ensure_ascii=False)` writes it: quotes, backslashes
  /// and control characters escaped, everything else (µ, –, ±) as itself.
  static func quote(_ value: String, into out: inout String) {
    out += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
