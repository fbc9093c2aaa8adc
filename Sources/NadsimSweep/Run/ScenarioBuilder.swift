import NadsimModel

/// Turns one scenario's named values (fixed values and axis values, in the sweep vocabulary of
/// ``ScenarioField``) into a ``SimulationRequest``: covariates, parameters and a regimen.
public struct ScenarioBuilder {
  public struct BuildError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
  }

  public let names: [String]
  public let fields: [ScenarioField]
  public let template: SimulationRequest
  /// Per route name: its substances and the route parameters a dose on it needs.
  private let routes: [String: (substances: [String], requires: [String])]

  /// - Parameters:
  ///   - names: the field names, in the order values will be given.
  ///   - template: duration, grid, solver settings and base parameters shared by every scenario.
  public init(names: [String], model: Model, template: SimulationRequest) throws {
    var fields: [ScenarioField] = []
    for name in names {
      guard let field = ScenarioField.classify(name, in: model) else {
        let known = ScenarioField.dosingNames.keys.sorted().joined(separator: ", ")
        throw BuildError(message: "unknown axis or field '\(name)': expected a dosing word (\(known)), or a covariate, parameter or route parameter of model '\(model.name)'")
      }
      fields.append(field)
    }
    guard Set(names).count == names.count else {
      throw BuildError(message: "a field is given twice: \(names.sorted().joined(separator: ", "))")
    }
    if names.contains("dose") && names.contains("daily_dose") {
      throw BuildError(message: "give 'dose' (per administration) or 'daily_dose', not both")
    }
    self.names = names
    self.fields = fields
    self.template = template
    var routes: [String: (substances: [String], requires: [String])] = [:]
    for route in model.routes {
      routes[route.name] = (route.substances.map(\.name), route.requires + (route.removalAfterField.map { [$0] } ?? []))
    }
    self.routes = routes
  }

  /// Checks a dose against the model's routes before any simulation, so that a sweep with an
  /// impossible route, substance or missing route parameter stops at once with a clear error.
  private func check(route: String, substance: String, parameters: [String: Double], what: String) throws {
    guard let entry = routes[route] else {
      throw BuildError(message: "\(what): the model has no route '\(route)'; its routes are \(routes.keys.sorted().joined(separator: ", "))")
    }
    guard entry.substances.contains(substance) else {
      throw BuildError(message: "\(what): route '\(route)' does not take '\(substance)'; it takes \(entry.substances.joined(separator: ", "))")
    }
    let missing = entry.requires.filter { parameters[$0] == nil }
    guard missing.isEmpty else {
      throw BuildError(message: "\(what): a dose on route '\(route)' needs \(missing.joined(separator: ", ")) (give them as fixed values or axes)")
    }
  }

  /// The request for one scenario, and the trough window (the dosing interval) in hours.
  public func request(_ values: [AxisValue]) throws -> (SimulationRequest, troughWindowHours: Double?) {
    precondition(values.count == names.count)
    var request = template
    var route: String?, substance: String?, coDose: String?
    var dose: Double?, dailyDose: Double?, start = 0.0, dosingFor: Double?, infusion = 0.0
    var schedule = Schedule("once")!
    var routeParameters: [String: Double] = [:]
    for (k, field) in fields.enumerated() {
      let name = names[k], value = values[k]
      func number() throws -> Double {
        guard let x = value.number else { throw BuildError(message: "'\(name)' needs a number, found '\(value)'") }
        return x
      }
      switch field {
      case .route: route = value.description
      case .substance: substance = value.description
      case .dose: dose = try number()
      case .dailyDose: dailyDose = try number()
      case .start: start = try number()
      case .dosingFor: dosingFor = try number()
      case .infusion: infusion = try number()
      case .coDose: coDose = value.description
      case .schedule:
        guard let s = Schedule(value.description) else {
          throw BuildError(message: "schedule '\(value)': expected \(Schedule.grammar)")
        }
        schedule = s
      case .covariate: request.covariates[name] = try number()
      case .parameter: request.parameters[name] = try number()
      case .routeParameter: routeParameters[name] = try number()
      }
    }
    let perAdministration = dose ?? dailyDose.map { $0 / schedule.perDay } ?? 0
    guard perAdministration >= 0, perAdministration.isFinite else {
      throw BuildError(message: "the dose must be a finite amount ≥ 0 mg")
    }
    var doses: [Dose] = []
    let end = min(request.durationHours, start + (dosingFor ?? request.durationHours))
    let origin = SourceLocation(file: "sweep scenario")
    func make(route: String, substance: String, mg: Double, parameters: [String: Double]) throws -> Dose {
      let repetition = schedule.intervalHours.map { Dose.Repetition(intervalHours: $0, end: .untilHours(end)) }
      return try Dose(route: route, substance: substance, amount: .milligrams(mg), timeHours: start,
                      infusion: infusion > 0 ? .duration(hours: infusion) : nil,
                      repetition: end > start ? repetition : nil, routeParameters: parameters, origin: origin)
    }
    if perAdministration > 0 {
      guard let route, let substance else {
        throw BuildError(message: "a dose needs 'route' and 'substance' (as axes or fixed values)")
      }
      guard start < request.durationHours else { throw BuildError(message: "'start' lies after the end of the run") }
      try check(route: route, substance: substance, parameters: routeParameters, what: "dose")
      do { doses.append(try make(route: route, substance: substance, mg: perAdministration, parameters: routeParameters)) } catch {
        throw BuildError(message: "\(error)")
      }
    }
    if let coDose, !["none", "", "no"].contains(coDose.lowercased()) {
      let parsed: Dose
      do { parsed = try DoseFlag.parse(coDose, flag: "co_dose") } catch { throw BuildError(message: "\(error)") }
      guard parsed.repetition == nil, parsed.timeHours == 0 else {
        throw BuildError(message: "co_dose '\(coDose)' takes the main dose's times; write it without @TIME or xCOUNT")
      }
      try check(route: parsed.route, substance: parsed.substance, parameters: parsed.routeParameters, what: "co_dose '\(coDose)'")
      guard case .milligrams(let mg) = parsed.amount else {
        throw BuildError(message: "co_dose '\(coDose)': give the amount as a mass (mg, g)")
      }
      do { doses.append(try make(route: parsed.route, substance: parsed.substance, mg: mg, parameters: parsed.routeParameters)) } catch {
        throw BuildError(message: "\(error)")
      }
    }
    request.regimen = Regimen(doses: doses)
    return (request, doses.isEmpty ? nil : schedule.intervalHours)
  }
}
