/// A read-only description of what ``Simulator/run(_:)`` does to the state of one scenario: the
/// constants it integrates with and the changes its doses make, at which times, in the species'
/// working units. Computed by the same code as a run (``ScenarioConstants`` and the internal
/// dose plan), so that another tool given the model's SBML export can reproduce nadsim's doses
/// exactly (`nadsim export scenarios`).
public struct ScenarioDoses {
  public enum Kind: String, Sendable {
    /// `value` is added to the species' stored value (a bolus, after bioavailability).
    case add
    /// `value` is added to the species' constant input rate (working units per model time unit):
    /// positive when an infusion starts, negative when it stops. The rate enters d(species)/dt.
    case infusionRate = "infusion_rate"
    /// The species is set to 0 (a route's wash-off); `value` is 0.
    case remove
  }

  public struct Change: Sendable {
    public var timeHours: Double
    public var species: Int
    public var kind: Kind
    /// In the species' working units (its stored value: a concentration for concentration species,
    /// an amount for amount species), or per model time unit for ``Kind/infusionRate``.
    public var value: Double
  }

  /// The run's parameter values by name: the request's overrides and the dose numbers that name
  /// model parameters (a topical dose's `area_cm2`, for instance), as ``Simulator`` merges them.
  public let parameters: [String: Double]
  /// The constants of the run, in ``Model/constantNames`` order.
  public let constants: ScenarioConstants
  /// Every change the run applies, in time order: those at t = 0 act on the starting state, the
  /// others at stop times strictly inside the run (a change at the very end has no effect on the
  /// recorded trajectory and is left out, as in a run).
  public let changes: [Change]

  public init(model: Model, request: SimulationRequest) throws {
    let parameters = try ScenarioConstants.runParameters(model: model, request: request)
    let constants = try ScenarioConstants(model: model, covariates: request.covariates, parameters: parameters)
    let plan = try DosePlan(model: model, regimen: request.regimen, constants: constants, durationHours: request.durationHours)
    var changes: [Change] = []
    for step in plan.steps where step.timeHours == 0 || step.timeHours < request.durationHours {
      switch step.action {
      case .add(let species, let amount, _):
        changes.append(Change(timeHours: step.timeHours, species: species, kind: .add, value: amount))
      case .infusion(let species, let rate):
        changes.append(Change(timeHours: step.timeHours, species: species, kind: .infusionRate, value: rate))
      case .remove(let species):
        changes.append(Change(timeHours: step.timeHours, species: species, kind: .remove, value: 0))
      }
    }
    self.parameters = parameters
    self.constants = constants
    self.changes = changes
  }
}
