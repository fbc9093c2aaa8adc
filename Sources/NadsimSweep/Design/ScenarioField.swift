import NadsimModel

/// What a name in a sweep means: the sweep vocabulary. Axes and fixed values share it.
///
/// | name | meaning | canonical unit |
/// |---|---|---|
/// | `route`, `substance` | the dose's route and substance, as the model names them | – |
/// | `dose` | amount per administration | mg |
/// | `daily_dose` | amount per day, split evenly over the day's administrations | mg/day |
/// | `schedule` | `once`, `once daily`, `twice daily`, `three times daily`, `four times daily`, `weekly`, `every 8h` | – |
/// | `start` | time of the first dose | h |
/// | `dosing_for` | how long dosing lasts (default: the whole run) | h |
/// | `infusion` | infusion time of each administration (0: bolus) | h |
/// | `co_dose` | a second product given with each administration, `ROUTE:SUBSTANCE:AMOUNT[,KEY=VALUE...]`, or `none` | – |
/// | a covariate of the model | its value | the model's unit |
/// | a parameter of the model | its value (replaces the default) | the model's unit |
/// | a route parameter (e.g. `concentration_ppm`) | a number passed with each dose | as the route defines it |
public enum ScenarioField: Equatable, Sendable {
  case route, substance, dose, dailyDose, schedule, start, dosingFor, infusion, coDose
  case covariate(unit: String)
  case parameter(unit: String)
  case routeParameter

  /// The dosing words of the vocabulary.
  public static let dosingNames: [String: ScenarioField] = [
    "route": .route, "substance": .substance, "dose": .dose, "daily_dose": .dailyDose,
    "schedule": .schedule, "start": .start, "dosing_for": .dosingFor, "infusion": .infusion,
    "co_dose": .coDose,
  ]

  /// What `name` means for `model`, or nil when it means nothing.
  public static func classify(_ name: String, in model: Model) -> ScenarioField? {
    if let field = dosingNames[name] { return field }
    // A route parameter goes with the doses even when the model also has a parameter of that
    // name: the simulator sets the parameter from the doses.
    if routeParameterNames(of: model).contains(name) { return .routeParameter }
    if let c = model.covariates.first(where: { $0.name == name }) { return .covariate(unit: c.unit.description) }
    if let p = model.parameters.first(where: { $0.name == name }) { return .parameter(unit: p.unit.description) }
    return nil
  }

  /// Every route parameter a route of the model asks for.
  public static func routeParameterNames(of model: Model) -> Set<String> {
    var names = Set<String>()
    for route in model.routes {
      names.formUnion(route.requires)
      if let field = route.removalAfterField { names.insert(field) }
    }
    return names
  }

  /// The manifest's kind word.
  public var kind: String {
    switch self {
    case .route: return "route"
    case .substance: return "substance"
    case .dose, .dailyDose: return "dose"
    case .schedule, .start, .dosingFor: return "schedule"
    case .infusion: return "infusion"
    case .coDose: return "co_dose"
    case .covariate: return "covariate"
    case .parameter: return "parameter"
    case .routeParameter: return "route_parameter"
    }
  }

  /// The canonical unit of numbers on this field, nil for words and unitless numbers.
  public var unit: String? {
    switch self {
    case .dose: return "mg"
    case .dailyDose: return "mg/day"
    case .start, .dosingFor, .infusion: return "h"
    case .covariate(let unit), .parameter(let unit): return unit == "1" || unit == "dimensionless" ? nil : unit
    default: return nil
    }
  }

  /// Whether values are numbers (else words).
  public var isNumeric: Bool {
    switch self {
    case .route, .substance, .schedule, .coDose: return false
    default: return true
    }
  }

  /// The CSV column of an axis with this name: `name [unit]` or the name alone.
  public func column(for name: String) -> String { unit.map { "\(name) [\($0)]" } ?? name }
}
