import Foundation

/// Minimal RFC 4180 CSV formatting.
public enum CSV {
  /// Quotes a field when it contains a comma, quote or line break.
  public static func field(_ s: String) -> String {
    if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }

  public static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }

  /// Shortest decimal that reads back to the same double (Swift's description is round-trip exact).
  public static func number(_ x: Double) -> String { "\(x)" }
}

