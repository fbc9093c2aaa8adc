import NadsimModel

/// A dosing schedule written in words: `once`, `once daily` (or `daily`), `twice daily`,
/// `three times daily`, `four times daily`, `weekly`, or `every DURATION` (`every 8h`).
public struct Schedule: Equatable, Sendable {
  /// Hours between administrations; nil for a single administration.
  public var intervalHours: Double?

  public static let grammar = "once, once daily, twice daily, three times daily, four times daily, weekly, or every DURATION (e.g. every 8h)"

  public init?(_ text: String) {
    let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" }).joined(separator: " ")
    switch words {
    case "once", "single": intervalHours = nil
    case "once daily", "daily", "qd": intervalHours = 24
    case "twice daily", "bid": intervalHours = 12
    case "three times daily", "thrice daily", "tid": intervalHours = 8
    case "four times daily", "qid": intervalHours = 6
    case "weekly", "once weekly": intervalHours = 168
    default:
      guard words.hasPrefix("every "), let hours = try? DoseQuantity.hours(parsing: String(words.dropFirst(6))),
            hours > 0
      else { return nil }
      intervalHours = hours
    }
  }

  /// Administrations per day (for splitting a daily dose); a single administration counts as one.
  public var perDay: Double { intervalHours.map { 24 / $0 } ?? 1 }
}
