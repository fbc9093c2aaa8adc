import Foundation

/// One value on a sweep axis: a number (in the axis unit) or a word (a route, a substance, a
/// schedule, a co-dose).
public enum AxisValue: Hashable, Sendable, CustomStringConvertible {
  case number(Double)
  case text(String)

  /// How the value is written in CSV and in a scenario's id: numbers in Swift's shortest
  /// round-trip form, words as they are.
  public var description: String {
    switch self {
    case .number(let x): return "\(x)"
    case .text(let s): return s
    }
  }

  public var number: Double? { if case .number(let x) = self { return x } else { return nil } }
}

/// An axis of a sweep: a name from the sweep vocabulary (``ScenarioField``) and the values it
/// takes, either listed or as a range to step through (grids) or sample (Latin hypercube, Monte
/// Carlo). Numbers are held in the axis's canonical unit (mg for doses, h for durations, the
/// model's unit for covariates and parameters).
public struct SweepAxis: Equatable, Sendable {
  public enum Scale: String, Sendable { case linear, log }

  public enum Values: Equatable, Sendable {
    case list([AxisValue])
    /// A closed range; `steps` points (ends included) on a grid, or samples for random designs.
    case range(ClosedRange<Double>, scale: Scale, steps: Int?)
  }

  public var name: String
  public var values: Values

  public init(name: String, values: Values) {
    self.name = name
    self.values = values
  }

  /// The listed values, or the stepped range's points; nil for a range without steps.
  public var gridValues: [AxisValue]? {
    switch values {
    case .list(let list): return list
    case .range(let range, let scale, let steps?):
      if steps == 1 { return [.number(range.lowerBound)] }
      return (0..<steps).map { k in
        let u = Double(k) / Double(steps - 1)
        return .number(k == steps - 1 ? range.upperBound : Self.point(u, in: range, scale: scale))
      }
    case .range(_, _, nil): return nil
    }
  }

  /// The point a fraction `u` ∈ [0, 1] of the way through the range, linearly or geometrically.
  static func point(_ u: Double, in range: ClosedRange<Double>, scale: Scale) -> Double {
    switch scale {
    case .linear: return range.lowerBound + u * (range.upperBound - range.lowerBound)
    case .log: return exp(log(range.lowerBound) + u * (log(range.upperBound) - log(range.lowerBound)))
    }
  }
}
