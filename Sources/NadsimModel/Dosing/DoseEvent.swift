/// One concrete thing that happens at one instant of a regimen: a bolus, or an infusion starting
/// or stopping. ``Regimen/expanded(until:lagHours:)`` makes them, in time order.
///
/// The integrator stops exactly at each distinct ``timeHours``; a bolus changes the state there,
/// and between stops the right-hand side adds the rate of every infusion that has started and not
/// yet stopped (infusions of the same route and substance may overlap; their rates add up).
public struct DoseEvent: Equatable, Sendable, CustomStringConvertible {
  /// What happens.
  public enum Action: Equatable, Sendable {
    /// The amount enters at once.
    case bolus(DoseAmount)
    /// A constant-rate infusion begins here and runs until `endHours`.
    case infusionStart(rate: DoseRate, endHours: Double)
    /// The infusion that began at `startHours` with this rate ends here.
    case infusionStop(rate: DoseRate, startHours: Double)

    /// Order among actions at the same instant: stops first (their rate belongs to the interval
    /// before), then boluses, then starts (their rate belongs to the interval after).
    var rank: Int {
      switch self {
      case .infusionStop: return 0
      case .bolus: return 1
      case .infusionStart: return 2
      }
    }
  }

  /// When it happens, hours, lag included.
  public var timeHours: Double
  public var route: String
  public var substance: String
  public var action: Action
  /// Index of the ``Dose`` in ``Regimen/doses`` it comes from (for its route parameters and origin).
  public var doseIndex: Int
  /// Which repetition of that dose: 0 for the first.
  public var occurrence: Int

  public init(timeHours: Double, route: String, substance: String, action: Action, doseIndex: Int,
              occurrence: Int) {
    self.timeHours = timeHours
    self.route = route
    self.substance = substance
    self.action = action
    self.doseIndex = doseIndex
    self.occurrence = occurrence
  }

  /// The deterministic order of ``Regimen/expanded(until:lagHours:)``: time, then action (stop,
  /// bolus, start), then dose index, then occurrence. No two events of one expansion share all four.
  public static func precedes(_ a: DoseEvent, _ b: DoseEvent) -> Bool {
    if a.timeHours != b.timeHours { return a.timeHours < b.timeHours }
    if a.action.rank != b.action.rank { return a.action.rank < b.action.rank }
    if a.doseIndex != b.doseIndex { return a.doseIndex < b.doseIndex }
    return a.occurrence < b.occurrence
  }

  /// `12 h: bolus 500 mg oral NMN` and the like.
  public var description: String {
    let t = DoseQuantity.format(timeHours)
    switch action {
    case .bolus(let amount):
      return "\(t) h: bolus \(amount) \(route) \(substance)"
    case .infusionStart(let rate, let end):
      return "\(t) h: start \(rate) \(route) \(substance) until \(DoseQuantity.format(end)) h"
    case .infusionStop(let rate, let start):
      return "\(t) h: stop \(rate) \(route) \(substance) started \(DoseQuantity.format(start)) h"
    }
  }
}
