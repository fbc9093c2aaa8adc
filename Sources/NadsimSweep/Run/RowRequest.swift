import NadsimModel

extension SweepPlan {
  /// The simulation request of one row (scenario `scenario`, person `person`; 0 is the typical
  /// person), as ``RowWorker`` builds it: the scenario's request, and for a virtual person the
  /// parameters drawn around the scenario's values. For tools that need a row's inputs without
  /// running it (`nadsim export scenarios`).
  public func request(scenario: Int, person: Int) throws -> SimulationRequest {
    try requestAndTroughWindow(scenario: scenario, person: person).request
  }

  /// ``request(scenario:person:)`` and the trough window of the scenario's schedule (hours).
  func requestAndTroughWindow(scenario: Int, person: Int) throws -> (request: SimulationRequest, troughWindow: Double?) {
    var (request, window) = try builder.request(values(ofScenario: scenario))
    if let population, person > 0 {
      let drawn = try population.parameters(person: person) { name in
        request.parameters[name] ?? self.model.parameters.first { $0.name == name }!.value
      }
      request.parameters.merge(drawn) { _, new in new }
    }
    return (request, window)
  }
}
