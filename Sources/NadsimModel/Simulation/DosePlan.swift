import Foundation

/// A regimen turned into changes of a model's state at exact times: boluses (jumps into the
/// route's species, times bioavailability, after the route's lag), constant-rate infusions (inputs
/// switched on and off) and removals (a route's wash-off). It checks each dose against its route
/// first: the route and substance must exist, required dose numbers must be given, and the amount
/// must not exceed the route's single-dose limit.
struct DosePlan {
  enum Action {
    case add(species: Int, amount: Double, dosed: Double)
    case infusion(species: Int, rate: Double)
    case remove(species: Int)
  }

  struct Step {
    var timeHours: Double
    var action: Action
  }

  let steps: [Step]
  /// Constant-rate inputs: species, rate (working amount per hour), start and stop (hours).
  let infusions: [(species: Int, amountPerHour: Double, start: Double, stop: Double)]
  /// Distinct times at which something happens, ascending.
  let times: [Double]
  /// Per species: multiplies a stored value to give an amount in working units (V for
  /// concentration species, 1 for amount species).
  let amountFactor: [Double]

  /// Per species: the factor from its compartment's unit to the working volume unit (1 for amount
  /// species). It depends on the model alone, so a caller that builds many plans computes it once
  /// (building units is far slower than a run's dose bookkeeping).
  static func volumeUnitFactors(of model: Model) -> [Double] {
    var factors = [Double](repeating: 1, count: model.species.count)
    if let system = model.unitSystem {
      for (i, s) in model.species.enumerated() where s.kind == .concentration {
        factors[i] = system.factor(from: model.compartments[s.compartment].unit)
      }
    }
    return factors
  }

  /// - Parameter volumeUnitFactors: ``volumeUnitFactors(of:)`` for `model` (computed when nil).
  init(model: Model, regimen: Regimen, constants: ScenarioConstants, durationHours: Double,
       volumeUnitFactors: [Double]? = nil) throws {
    var amountFactor = volumeUnitFactors ?? Self.volumeUnitFactors(of: model)
    precondition(amountFactor.count == model.species.count, "volume unit factors of another model")
    for (i, s) in model.species.enumerated() where s.kind == .concentration {
      amountFactor[i] *= constants.bindings[model.compartments[s.compartment].name]!
    }
    self.amountFactor = amountFactor
    var steps: [Step] = []
    var infusions: [(Int, Double, Double, Double)] = []
    if regimen.doses.isEmpty {
      self.steps = []
      self.infusions = []
      times = []
      return
    }
    guard let system = model.unitSystem else {
      throw ModelError("this model is dimensionless and takes no doses", at: SourceLocation(file: model.file))
    }
    let micromoleFactor = try Unit.micromole.conversionFactor(to: system.amount)
    let perHourToPerModelTime = model.hoursPerTimeUnit

    for dose in regimen.doses {
      guard let route = model.route(dose.route) else {
        throw ModelError("the model has no route '\(dose.route)'; its routes are \(model.routes.map(\.name).joined(separator: ", "))",
                         at: dose.origin, name: dose.route)
      }
      guard route.substances.contains(where: { $0.name == dose.substance }) else {
        throw ModelError("route '\(route.name)' does not take '\(dose.substance)'; it takes \(route.substances.map(\.name).joined(separator: ", "))",
                         at: dose.origin, name: dose.substance)
      }
      for field in route.requires where dose.routeParameters[field] == nil {
        throw ModelError("a dose on route '\(route.name)' needs '\(field)' (required: \(route.requires.joined(separator: ", ")))",
                         at: dose.origin, name: field)
      }
      if let field = route.removalAfterField, dose.routeParameters[field] == nil {
        throw ModelError("a dose on route '\(route.name)' needs '\(field)' (hours until removal)", at: dose.origin, name: field)
      }
    }

    let events = try regimen.expanded(until: durationHours) { model.route($0)?.lagHours ?? 0 }
    for event in events where event.timeHours <= durationHours {
      let dose = regimen.doses[event.doseIndex]
      let route = model.route(event.route)!
      let substance = route.substances.first { $0.name == event.substance }!
      let bioavailability = route.bioavailability.value { constants.bindings[$0] } ?? .nan
      guard (0...1).contains(bioavailability) else {
        throw ModelError("bioavailability \(bioavailability) lies outside [0, 1] for this scenario", at: dose.origin, name: route.name)
      }
      /// Substance amount in mg and µmol for a written amount.
      func substanceAmount(_ written: DoseAmount) throws -> (mg: Double, umol: Double) {
        var mg = written.milligrams(molecularWeight: substance.molecularWeight)
        if let formula = route.amountFormula {
          var numbers = dose.routeParameters
          numbers["dose_mg"] = mg
          guard let value = formula.value({ numbers[$0] ?? constants.bindings[$0] }), value >= 0, value.isFinite else {
            throw ModelError("the route's amount formula does not give a non-negative number for this dose", at: dose.origin, name: route.name)
          }
          mg = value
        }
        return (mg, mg * 1000 / substance.molecularWeight)
      }
      func checkLimit(_ amount: (mg: Double, umol: Double)) throws {
        if let limit = route.maxSingleDoseMilligrams, amount.mg > limit * (1 + 1e-12) {
          throw ModelError("a single dose of \(amount.mg) mg exceeds what route '\(route.name)' allows (0 to \(limit) mg)", at: dose.origin, name: "max_single_dose")
        }
        if let limit = route.maxSingleDoseMicromoles, amount.umol > limit * (1 + 1e-12) {
          throw ModelError("a single dose of \(amount.umol) µmol exceeds what route '\(route.name)' allows (0 to \(limit) µmol)", at: dose.origin, name: "max_single_dose")
        }
      }
      let i = substance.species
      switch event.action {
      case .bolus(let written):
        let amount = try substanceAmount(written)
        try checkLimit(amount)
        let entering = amount.umol * micromoleFactor * bioavailability
        steps.append(Step(timeHours: event.timeHours, action: .add(species: i, amount: entering / amountFactor[i], dosed: entering)))
        if let field = route.removalAfterField {
          for r in route.removalSpecies {
            steps.append(Step(timeHours: event.timeHours + dose.routeParameters[field]!, action: .remove(species: r)))
          }
        }
      case .infusionStart(let rate, let end):
        let total = try substanceAmount(dose.amount)
        try checkLimit(total)
        let perHour = try substanceAmount(rate.perHour).umol * micromoleFactor * bioavailability
        let perModelTime = perHour * perHourToPerModelTime / amountFactor[i]
        steps.append(Step(timeHours: event.timeHours, action: .infusion(species: i, rate: perModelTime)))
        infusions.append((i, perHour, event.timeHours, end))
      case .infusionStop(let rate, _):
        let perHour = try substanceAmount(rate.perHour).umol * micromoleFactor * bioavailability
        steps.append(Step(timeHours: event.timeHours, action: .infusion(species: i, rate: -perHour * perHourToPerModelTime / amountFactor[i])))
      }
    }
    self.infusions = infusions
    steps.sort { $0.timeHours < $1.timeHours }
    self.steps = steps.filter { $0.timeHours <= durationHours }
    var times: [Double] = []
    for step in self.steps where times.last.map({ !Self.same($0, step.timeHours) }) ?? true { times.append(step.timeHours) }
    self.times = times
  }

  /// The species the plan's steps add to or infuse into.
  var targetedSpecies: Set<Int> {
    var species = Set<Int>()
    for step in steps {
      switch step.action {
      case .add(let i, _, _), .infusion(let i, _): species.insert(i)
      case .remove: break
      }
    }
    return species
  }

  /// Amount each species has received from infusions by `hours` (working amount units).
  func infusedAmount(until hours: Double, speciesCount: Int) -> [Double] {
    var amounts = [Double](repeating: 0, count: speciesCount)
    for infusion in infusions where infusion.start < hours {
      amounts[infusion.species] += infusion.amountPerHour * (min(infusion.stop, hours) - infusion.start)
    }
    return amounts
  }

  static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(a), abs(b)) }

  /// Applies everything due at `timeHours` to the state `y` and the infusion inputs.
  func apply(at timeHours: Double, to y: UnsafeMutablePointer<Double>, infusion: UnsafeMutablePointer<Double>,
             amounts: inout (dosed: [Double], removed: [Double])) {
    for step in steps where Self.same(step.timeHours, timeHours) {
      switch step.action {
      case .add(let i, let amount, let dosed):
        y[i] += amount
        amounts.dosed[i] += dosed
      case .infusion(let i, let rate):
        infusion[i] += rate
        if abs(infusion[i]) < 1e-12 * abs(rate) { infusion[i] = 0 }
      case .remove(let i):
        amounts.removed[i] += y[i] * amountFactor[i]
        y[i] = 0
      }
    }
  }
}
