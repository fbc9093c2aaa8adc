/// One line of a prescription: an amount of a substance by a route, given once or repeatedly, as
/// a bolus or as an infusion.
///
/// Route and substance are names the model defines (`oral`, `iv`, `topical`, a species...); this
/// layer does not check them. Lag time and bioavailability belong to the route and are applied by
/// the model layer, not here (see ``Regimen/expanded(until:lagHours:)`` for the lag hook).
///
/// A `Dose` is valid once made: the initialiser checks every field and throws a ``ModelError`` at
/// ``origin`` whose ``ModelError/name`` is the field at fault (`amount`, `rate`, `until`...).
public struct Dose: Equatable, Sendable, CustomStringConvertible {
  /// How an infusion is given: by its rate or by its duration. The other follows from the amount.
  public enum Infusion: Equatable, Sendable {
    /// A constant rate (mg/h or µmol/h, the same kind as the amount); lasts amount ÷ rate hours.
    case rate(DoseRate)
    /// A duration in hours (> 0); the rate is amount ÷ duration.
    case duration(hours: Double)
  }

  /// Repeated dosing: the same dose every `intervalHours`, starting at ``Dose/timeHours``.
  ///
  /// Occurrence k (k = 0, 1, ...) is at `timeHours + k × intervalHours`, computed by one multiply
  /// and one add so that times do not drift as they would by repeated addition.
  public struct Repetition: Equatable, Sendable {
    /// How a repetition ends.
    public enum End: Equatable, Sendable {
      /// This many doses after the first (NONMEM's ADDL): `additionalDoses: 55` is 56 doses in all.
      case additionalDoses(Int)
      /// Doses at times strictly before this time (hours): the end is *exclusive*, so "every 24 h
      /// from 0 until 28 d" is 28 doses (0 h … 648 h), and a course that starts where another
      /// ends (at 28 d) does not double the dose at the junction. A dose time within a relative
      /// 1e-12 of the end counts as at the end (and is not given).
      case untilHours(Double)
    }

    /// Time between consecutive doses, hours (> 0).
    public var intervalHours: Double
    public var end: End

    public init(intervalHours: Double, end: End) {
      self.intervalHours = intervalHours
      self.end = end
    }

    /// `count` doses in all (the first included) every `intervalHours`.
    public static func doses(_ count: Int, everyHours intervalHours: Double) -> Repetition {
      Repetition(intervalHours: intervalHours, end: .additionalDoses(count - 1))
    }
  }

  /// The route the dose is given by, as the model names it. An event table's CMT may instead name
  /// a species (a dose straight into its compartment); the model layer tells which.
  public let route: String
  /// The substance given, as the model names it.
  public let substance: String
  /// The amount of one dose (> 0), mg or µmol.
  public let amount: DoseAmount
  /// Time of the first dose, hours (finite, ≥ 0).
  public let timeHours: Double
  /// nil for a bolus.
  public let infusion: Infusion?
  /// nil for a single dose.
  public let repetition: Repetition?
  /// Route-specific numbers (e.g. topical `concentration_ppm`, `area_cm2`, `contact_h`), each
  /// finite; their meaning and checks belong to the model's route.
  public let routeParameters: [String: Double]
  /// Where the dose was written (regimen file line, event-table line or `--dose`), so that later
  /// layers can name it in their errors.
  public let origin: SourceLocation

  /// Makes a dose after checking every field.
  /// - Parameters:
  ///   - route: non-empty.
  ///   - substance: non-empty.
  ///   - amount: finite and > 0.
  ///   - timeHours: first dose time, finite and ≥ 0; 0 by default.
  ///   - infusion: a rate of the same kind as `amount` (both mass or both µmol), or a duration;
  ///     both finite and > 0. nil (default) for a bolus.
  ///   - repetition: interval finite and > 0; `additionalDoses` ≥ 0; `untilHours` finite and
  ///     after `timeHours`. nil (default) for a single dose.
  ///   - routeParameters: finite values; names non-empty.
  ///   - origin: where the dose came from; named in errors.
  /// - Throws: ``ModelError`` at `origin`, its `name` the field at fault.
  public init(
    route: String, substance: String, amount: DoseAmount, timeHours: Double = 0,
    infusion: Infusion? = nil, repetition: Repetition? = nil,
    routeParameters: [String: Double] = [:], origin: SourceLocation = SourceLocation(file: "(code)")
  ) throws(ModelError) {
    func fail(_ field: String, _ message: String) -> ModelError {
      ModelError(message, at: origin, name: field)
    }
    guard !route.isEmpty else { throw fail("route", "empty; expected a route name from the model") }
    guard !substance.isEmpty else { throw fail("substance", "empty; expected a substance name from the model") }
    guard amount.value.isFinite, amount.value > 0 else {
      throw fail("amount", "\(amount) is not > 0; expected a positive finite amount")
    }
    guard timeHours.isFinite, timeHours >= 0 else {
      throw fail("time", "\(DoseQuantity.format(timeHours)) h; expected a finite time ≥ 0 h")
    }
    switch infusion {
    case .rate(let rate):
      guard rate.perHour.value.isFinite, rate.perHour.value > 0 else {
        throw fail("rate", "\(rate) is not > 0; expected a positive finite rate")
      }
      guard rate.kind == amount.kind else {
        throw fail("rate", "\(rate) is \(rate.kind) per hour but the amount \(amount) is \(amount.kind); "
          + "give both in mass units or both in mol units")
      }
    case .duration(let hours):
      guard hours.isFinite, hours > 0 else {
        throw fail("duration", "\(DoseQuantity.format(hours)) h; expected an infusion duration > 0 h")
      }
    case nil: break
    }
    if let repetition {
      guard repetition.intervalHours.isFinite, repetition.intervalHours > 0 else {
        throw fail("every", "\(DoseQuantity.format(repetition.intervalHours)) h; expected an interval > 0 h")
      }
      switch repetition.end {
      case .additionalDoses(let n):
        guard n >= 0 else { throw fail("count", "\(n + 1) doses; expected at least 1") }
      case .untilHours(let end):
        guard end.isFinite, end > timeHours else {
          throw fail("until", "\(DoseQuantity.format(end)) h is not after the first dose at "
            + "\(DoseQuantity.format(timeHours)) h; expected a later end (doses are given before it)")
        }
      }
    }
    for (name, value) in routeParameters {
      guard !name.isEmpty else { throw fail(name, "empty route parameter name") }
      guard !DoseFields.knownKeys.contains(name) else {
        throw fail(name, "a dose field, not a route parameter; expected another name")
      }
      guard value.isFinite else { throw fail(name, "\(value) is not a finite number") }
    }
    self.route = route
    self.substance = substance
    self.amount = amount
    self.timeHours = timeHours
    self.infusion = infusion
    self.repetition = repetition
    self.routeParameters = routeParameters
    self.origin = origin
  }

  /// The rate of this dose's infusion (amount ÷ duration when given by duration), or nil for a
  /// bolus.
  public var infusionRate: DoseRate? {
    switch infusion {
    case .rate(let rate): return rate
    case .duration(let hours): return DoseRate(delivering: amount, overHours: hours)
    case nil: return nil
    }
  }

  /// How long one infusion lasts, hours (amount ÷ rate when given by rate), or nil for a bolus.
  public var infusionHours: Double? {
    switch infusion {
    case .rate(let rate): return amount.value / rate.perHour.value
    case .duration(let hours): return hours
    case nil: return nil
    }
  }

  /// The dose in the `--dose` grammar (``DoseFlag``), which reads back to an equal dose apart
  /// from ``origin``.
  public var description: String {
    var text = "\(route):\(substance):\(DoseQuantity.format(amount.value))\(amount.unitSymbol)"
      + "@\(DoseQuantity.format(timeHours))h"
    var options: [String] = []
    if let repetition {
      switch repetition.end {
      case .additionalDoses(let n):
        text += "x\(n + 1)/\(DoseQuantity.format(repetition.intervalHours))h"
      case .untilHours(let end):
        options.append("every=\(DoseQuantity.format(repetition.intervalHours))h")
        options.append("until=\(DoseQuantity.format(end))h")
      }
    }
    switch infusion {
    case .rate(let rate):
      options.append("rate=\(DoseQuantity.format(rate.perHour.value))\(rate.perHour.unitSymbol)/h")
    case .duration(let hours): options.append("duration=\(DoseQuantity.format(hours))h")
    case nil: break
    }
    for name in routeParameters.keys.sorted() {
      options.append("\(name)=\(DoseQuantity.format(routeParameters[name] ?? 0))")
    }
    return ([text] + options).joined(separator: ",")
  }
}
