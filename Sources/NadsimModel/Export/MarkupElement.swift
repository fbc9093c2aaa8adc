/// A small XML element tree for the exporters: a name, attributes in the order given, and either
/// child elements or text. Renders with two-space indentation or compactly; escapes `&`, `<`, `>`
/// everywhere and `"`, `'` in attribute values.
///
/// Only what SBML and MathML need: no namespaces beyond plain `xmlns` attributes, no comments, no
/// mixed content (an element holds text or children, not both; `raw` is the one way around that).
struct MarkupElement {
  var name: String
  var attributes: [(name: String, value: String)]
  var children: [MarkupElement]
  /// Text content, escaped when written.
  var text: String?
  /// Content written as it is (already valid markup), for MathML's `<cn>m<sep/>e</cn>`.
  var raw: String?

  init(_ name: String, _ attributes: [(String, String)] = [], children: [MarkupElement] = [], text: String? = nil,
       raw: String? = nil) {
    self.name = name
    self.attributes = attributes.map { (name: $0.0, value: $0.1) }
    self.children = children
    self.text = text
    self.raw = raw
  }

  /// The element on one line, without whitespace between tags.
  var compact: String {
    var out = ""
    write(to: &out, indent: nil, depth: 0)
    return out
  }

  /// The element with each child on its own line, indented by two spaces per level; ends with a
  /// newline.
  func indented(depth: Int = 0) -> String {
    var out = ""
    write(to: &out, indent: "  ", depth: depth)
    return out
  }

  private func write(to out: inout String, indent: String?, depth: Int) {
    let pad = indent.map { String(repeating: $0, count: depth) } ?? ""
    out += pad + "<" + name
    for attribute in attributes {
      out += " \(attribute.name)=\"\(Self.escaped(attribute.value, quotes: true))\""
    }
    if let raw {
      out += ">" + raw + "</\(name)>"
    } else if let text {
      out += ">" + Self.escaped(text, quotes: false) + "</\(name)>"
    } else if children.isEmpty {
      out += "/>"
    } else {
      out += ">"
      if indent != nil { out += "\n" }
      for child in children { child.write(to: &out, indent: indent, depth: depth + 1) }
      out += pad + "</\(name)>"
    }
    if indent != nil { out += "\n" }
  }

  /// `text` with `&`, `<`, `>` (and in attribute values `"` and `'`) replaced by entity references, and control
  /// characters that XML 1.0 forbids (all below U+0020 except tab, line feed and carriage return)
  /// replaced by spaces.
  static func escaped(_ text: String, quotes: Bool) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where quotes: out += "&quot;"
      case "'" where quotes: out += "&apos;"
      default:
        if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, scalar.value < 0x20,
           scalar != "\t", scalar != "\n", scalar != "\r" {
          out += " "
        } else {
          out.append(character)
        }
      }
    }
    return out
  }
}
