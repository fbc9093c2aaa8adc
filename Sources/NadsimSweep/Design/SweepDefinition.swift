import Foundation
import NadsimModel

/// A sweep as written (in a sweep file, by flags, or both), before it is checked against a model:
/// text values and where each came from, so that errors can name the file line or the flag.
public struct SweepDefinition {
  /// An axis or a fixed value as written.
  public struct Entry {
    public enum Values {
      case list([String])
      case range(lower: String, upper: String, steps: Int?, scale: SweepAxis.Scale)
    }
    public var name: String
    public var values: Values
    /// Unit of plain numbers (e.g. `g` for doses); the field's canonical unit when nil.
    public var unit: String?
    /// Where it was written: `sweep.yaml:12` or `--axis`.
    public var origin: String
    public init(name: String, values: Values, unit: String? = nil, origin: String) {
      self.name = name
      self.values = values
      self.unit = unit
      self.origin = origin
    }
  }

  public var modelPath: String?
  public var until: String?
  public var every: String?
  public var observables: [String] = []
  public var fixed: [Entry] = []
  public var axes: [Entry] = []
  public var design: ScenarioDesign.Kind?
  public var samples: Int?
  public var seed: UInt64?
  public var populationSize: Int?
  public var populationSeed: UInt64?
  public var method: String?
  /// Solve bdf and rodas5p scenarios four at a time in SIMD lanes (nil: yes).
  public var lanes: Bool?
  public var rtol: String?
  public var atol: String?
  public var parameterSet: String?
  public var trajectories: Bool?

  public init() {}

  /// Reads `--axis NAME=V1,V2,…` or `--axis NAME=LOW..HIGH[:STEPS][:log]` (values may carry units:
  /// `dose=250mg,1g`, `infusion=30min..6h:4`).
  public static func entry(flagValue text: String, flag: String) throws -> Entry {
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw SweepInputError("\(flag) \(text): expected NAME=V1,V2,... or NAME=LOW..HIGH[:STEPS][:log]")
    }
    let name = parts[0].trimmingCharacters(in: .whitespaces), body = parts[1]
    if body.contains("..") {
      var pieces = body.split(separator: ":").map { String($0).trimmingCharacters(in: .whitespaces) }
      var scale = SweepAxis.Scale.linear
      if pieces.last == "log" || pieces.last == "linear" { scale = SweepAxis.Scale(rawValue: pieces.removeLast())! }
      var steps: Int? = nil
      if pieces.count == 2 {
        guard let s = Int(pieces[1]), s >= 1 else { throw SweepInputError("\(flag) \(text): steps '\(pieces[1])' must be a whole number ≥ 1") }
        steps = s
        pieces.removeLast()
      }
      let ends = pieces[0].components(separatedBy: "..")
      guard pieces.count == 1, ends.count == 2, !ends[0].isEmpty, !ends[1].isEmpty else {
        throw SweepInputError("\(flag) \(text): expected NAME=LOW..HIGH[:STEPS][:log]")
      }
      return Entry(name: name, values: .range(lower: ends[0], upper: ends[1], steps: steps, scale: scale), origin: flag)
    }
    let values = body.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
    guard !values.contains(where: \.isEmpty) else { throw SweepInputError("\(flag) \(text): an empty value in the list") }
    return Entry(name: name, values: .list(values), origin: flag)
  }

  /// Turns the written entries into typed axes and fixed values for `model`.
  public func resolve(for model: Model) throws -> (fixed: [(name: String, value: AxisValue)], axes: [SweepAxis]) {
    var fixedValues: [(String, AxisValue)] = []
    for entry in fixed {
      let field = try Self.field(entry, model: model)
      guard case .list(let list) = entry.values, list.count == 1 else {
        throw SweepInputError("\(entry.origin): fixed value '\(entry.name)' takes one value")
      }
      fixedValues.append((entry.name, try Self.value(list[0], entry: entry, field: field)))
    }
    for entry in self.axes where fixed.contains(where: { $0.name == entry.name }) {
      throw SweepInputError("\(entry.origin): '\(entry.name)' is both an axis and a fixed value")
    }
    var axes: [SweepAxis] = []
    for entry in self.axes {
      let field = try Self.field(entry, model: model)
      switch entry.values {
      case .list(let list):
        guard !list.isEmpty else { throw SweepInputError("\(entry.origin): axis '\(entry.name)' has no values") }
        let values = try list.map { try Self.value($0, entry: entry, field: field) }
        guard Set(values).count == values.count else {
          throw SweepInputError("\(entry.origin): axis '\(entry.name)' lists a value twice")
        }
        axes.append(SweepAxis(name: entry.name, values: .list(values)))
      case .range(let lowerText, let upperText, let steps, let scale):
        guard field.isNumeric else {
          throw SweepInputError("\(entry.origin): axis '\(entry.name)' takes words; list them instead of a range")
        }
        guard let lower = try Self.value(lowerText, entry: entry, field: field).number,
              let upper = try Self.value(upperText, entry: entry, field: field).number, lower < upper
        else { throw SweepInputError("\(entry.origin): axis '\(entry.name)': the range is empty; expected LOW < HIGH") }
        axes.append(SweepAxis(name: entry.name, values: .range(lower...upper, scale: scale, steps: steps)))
      }
    }
    if let duplicate = Dictionary(grouping: axes.map(\.name), by: { $0 }).first(where: { $0.value.count > 1 })?.key {
      throw SweepInputError("axis '\(duplicate)' is given twice")
    }
    return (fixedValues, axes)
  }

  static func field(_ entry: Entry, model: Model) throws -> ScenarioField {
    guard let field = ScenarioField.classify(entry.name, in: model) else {
      let words = ScenarioField.dosingNames.keys.sorted().joined(separator: ", ")
      throw SweepInputError("\(entry.origin): unknown axis '\(entry.name)'; expected a dosing word (\(words)) or a covariate, parameter or route parameter of model '\(model.name)'")
    }
    return field
  }

  /// One written value in the field's canonical unit (mg, h, or the model's unit).
  static func value(_ text: String, entry: Entry, field: ScenarioField) throws -> AxisValue {
    let where_ = "\(entry.origin): axis '\(entry.name)' value '\(text)'"
    guard field.isNumeric else { return .text(text) }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    switch field {
    case .dose, .dailyDose:
      let written = Double(trimmed) != nil ? trimmed + (entry.unit ?? "mg") : trimmed.replacingOccurrences(of: "/day", with: "")
      if let plain = Double(trimmed), plain == 0 { return .number(0) }
      let amount: DoseAmount
      do { amount = try DoseAmount(parsing: written) } catch {
        throw SweepInputError("\(where_): \(error.message)")
      }
      guard case .milligrams(let mg) = amount else { throw SweepInputError("\(where_): give doses as a mass (mg, g, µg)") }
      return .number(mg)
    case .start, .dosingFor, .infusion:
      let written = Double(trimmed) != nil ? trimmed + (entry.unit ?? "h") : trimmed
      do { return .number(try DoseQuantity.hours(parsing: written)) } catch {
        throw SweepInputError("\(where_): \(error.message)")
      }
    default:
      guard let x = Double(trimmed), x.isFinite else { throw SweepInputError("\(where_): expected a finite number") }
      if let unit = entry.unit, unit != field.unit, !(unit == "1" && field.unit == nil) {
        throw SweepInputError("\(entry.origin): axis '\(entry.name)' is in \(field.unit ?? "1") (the model's unit); found unit '\(unit)'")
      }
      return .number(x)
    }
  }
}

/// Bad sweep input (a file field or a flag): the message names it.
public struct SweepInputError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
