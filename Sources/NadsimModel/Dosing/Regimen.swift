/// A dosing regimen: any number of doses, by any routes, of any substances.
///
/// It comes from `--dose` flags (``DoseFlag``), a regimen file (``RegimenFile``), an event table
/// (``EventTable``, one regimen per ID) or code. ``expanded(until:lagHours:)`` turns it into the
/// time-ordered list of boluses and infusion starts and stops that the integrator stops at.
///
///     let regimen = Regimen(doses: [
///       try DoseFlag.parse("oral:NMN:500mg@0x56/12h"),
///       try DoseFlag.parse("iv:NAD:750mg@0,duration=6h"),
///     ])
///     let events = try regimen.expanded(until: 28 * 24) { route in route == "oral" ? 0.5 : 0 }
public struct Regimen: Equatable, Sendable {
  public var doses: [Dose]

  public init(doses: [Dose] = []) {
    self.doses = doses
  }

  /// Most events one expansion may make; more is taken to be a mistake (an interval of seconds
  /// over years) and reported rather than filling memory.
  public static let maximumEventCount = 1_000_000

  /// The routes used, each once, in order of first use.
  public var routes: [String] { distinct(doses.map(\.route)) }
  /// The substances used, each once, in order of first use.
  public var substances: [String] { distinct(doses.map(\.substance)) }

  /// The concrete events up to a horizon, in time order.
  ///
  /// For each dose, occurrence k is prescribed at `timeHours + k × intervalHours` (exact: one
  /// multiply and one add, no accumulated sum), for k up to `additionalDoses` or while before
  /// `untilHours` (exclusive, see ``Dose/Repetition/End/untilHours(_:)``). The route's lag is then
  /// added: an event happens at prescribed time + lag. A bolus gives one ``DoseEvent`` with
  /// ``DoseEvent/Action/bolus(_:)``; an infusion gives a start at that time and a stop `infusionHours`
  /// later, each carrying the rate (amount ÷ duration) and the other end's time.
  ///
  /// Order: by time, then stops before boluses before starts, then by dose index, then by
  /// occurrence (``DoseEvent/precedes(_:_:)``), so equal times always come out the same way.
  ///
  /// Bioavailability is not applied: amounts and rates are as prescribed.
  ///
  /// - Parameters:
  ///   - horizonHours: last time of interest, hours, *inclusive*: an event at the horizon (within a
  ///     relative 1e-12, so that 3 × 0.1 h counts as at 0.3 h) is kept, one after it is not. The
  ///     stop of an infusion that starts by the horizon is always kept, even when it falls after,
  ///     so starts and stops pair up. `.infinity` keeps every event (all repetitions are finite).
  ///   - lagHours: the lag time of each route, hours (finite, ≥ 0), asked once per route; none by
  ///     default. The model layer supplies its routes' lags here.
  /// - Throws: ``ModelError`` at a dose's origin when its route's lag is negative or not finite,
  ///   or when the expansion would exceed ``maximumEventCount``; at `horizon` when the horizon is NaN.
  public func expanded(until horizonHours: Double, lagHours: (String) -> Double = { _ in 0 })
    throws(ModelError) -> [DoseEvent]
  {
    guard !horizonHours.isNaN else {
      throw ModelError("NaN; expected a time in hours", at: SourceLocation(file: "regimen"), name: "horizon")
    }
    var events: [DoseEvent] = []
    var lags: [String: Double] = [:]
    for (index, dose) in doses.enumerated() {
      let lag: Double
      if let known = lags[dose.route] {
        lag = known
      } else {
        lag = lagHours(dose.route)
        guard lag.isFinite, lag >= 0 else {
          throw ModelError("lag time \(lag) h of this route is not finite and ≥ 0", at: dose.origin,
                           name: dose.route)
        }
        lags[dose.route] = lag
      }
      let rate = dose.infusionRate
      let length = dose.infusionHours ?? 0
      var k = 0
      while true {
        let prescribed: Double
        if let repetition = dose.repetition {
          if case .additionalDoses(let n) = repetition.end, k > n { break }
          prescribed = dose.timeHours + Double(k) * repetition.intervalHours
          if case .untilHours(let end) = repetition.end, !(prescribed < end && !Self.nearlyEqual(prescribed, end)) {
            break
          }
        } else {
          if k > 0 { break }
          prescribed = dose.timeHours
        }
        let time = prescribed + lag
        guard time <= horizonHours || Self.nearlyEqual(time, horizonHours) else { break }
        if let rate {
          let end = time + length
          events.append(DoseEvent(timeHours: time, route: dose.route, substance: dose.substance,
                                  action: .infusionStart(rate: rate, endHours: end), doseIndex: index,
                                  occurrence: k))
          events.append(DoseEvent(timeHours: end, route: dose.route, substance: dose.substance,
                                  action: .infusionStop(rate: rate, startHours: time), doseIndex: index,
                                  occurrence: k))
        } else {
          events.append(DoseEvent(timeHours: time, route: dose.route, substance: dose.substance,
                                  action: .bolus(dose.amount), doseIndex: index, occurrence: k))
        }
        guard events.count <= Self.maximumEventCount else {
          throw ModelError("expands to more than \(Self.maximumEventCount) events by "
            + "\(DoseQuantity.format(horizonHours)) h; expected a longer interval or fewer doses",
            at: dose.origin, name: "every")
        }
        k += 1
      }
    }
    events.sort(by: DoseEvent.precedes)
    return events
  }

  /// Equal up to a relative 1e-12 (absolute below 1 h), the slack allowed when comparing a
  /// computed dose time with an end or a horizon.
  static func nearlyEqual(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= 1e-12 * max(1, abs(b))
  }

  private func distinct(_ names: [String]) -> [String] {
    var seen: Set<String> = []
    return names.filter { seen.insert($0).inserted }
  }
}
