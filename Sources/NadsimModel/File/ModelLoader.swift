import Foundation

/// Turns a ``ModelFile`` into a checked ``Model``: resolves every name, parses every expression,
/// infers and checks every unit, orders the assignments (a cycle is an error), and builds each
/// species' right-hand side. Every error names the file, the line and the offending name.
public enum ModelLoader {
  /// Loads and checks the model file at `path`.
  public static func load(path: String) throws -> Model {
    try resolve(ModelFile.read(path: path))
  }

  public static func resolve(_ file: ModelFile) throws -> Model {
    var context = try Context(file)
    return try context.build()
  }
}

private struct Context {
  let file: ModelFile
  let system: UnitSystem?
  let timeUnit: Unit
  /// Declared (parameters, covariates, volumes, assignments) or working (species) unit of each name.
  var units: [String: Unit] = [:]
  var kinds: [String: String] = [:]

  init(_ file: ModelFile) throws {
    self.file = file
    let amount = try Context.unit(file.units.amount, "units.amount")
    let volume = try Context.unit(file.units.volume, "units.volume")
    let time = try Context.unit(file.units.time, "units.time")
    if amount.isDimensionless && volume.isDimensionless && time.isDimensionless {
      system = nil
      timeUnit = .dimensionless
    } else {
      guard amount.dimension == .amount else {
        throw ModelError("'\(file.units.amount.value)' is not an amount unit (mol, µmol, ...)", at: file.units.amount.location, name: "units.amount")
      }
      guard volume.dimension == .volume else {
        throw ModelError("'\(file.units.volume.value)' is not a volume unit (L, mL, ...)", at: file.units.volume.location, name: "units.volume")
      }
      guard time.dimension == .time else {
        throw ModelError("'\(file.units.time.value)' is not a time unit (s, h, ...)", at: file.units.time.location, name: "units.time")
      }
      system = UnitSystem(amount: amount, length: volume.raised(to: UnitExponent(1, 3)), mass: .milligram, time: time)
      timeUnit = time
    }
  }

  static func unit(_ text: ModelFile.Located<String>, _ name: String) throws -> Unit {
    do {
      return try Unit(parsing: text.value)
    } catch {
      throw error.modelError(at: text.location, name: name)
    }
  }

  static func expression(_ text: ModelFile.Located<String>, _ name: String) throws -> Expression {
    do {
      return try ExpressionParser.parse(text.value)
    } catch {
      throw error.modelError(formulaStart: text.location, name: name)
    }
  }

  // MARK: - Names

  mutating func declare(_ name: String, as kind: String, at location: SourceLocation) throws {
    if name == "t" { throw ModelError("'t' is the time and cannot be declared", at: location, name: name) }
    guard ReactionEquation.isIdentifier(name) else {
      throw ModelError("not a valid name; expected letters, digits and _ (not starting with a digit)", at: location, name: name)
    }
    if let previous = kinds[name] {
      throw ModelError("already declared as a \(previous); names must be unique", at: location, name: name)
    }
    kinds[name] = kind
  }

  /// The unit of an expression (scale included), with the error placed at `location`.
  func infer(_ expression: Expression, at location: SourceLocation, name: String) throws -> InferredUnit {
    for symbol in expression.symbols where symbol != "t" && units[symbol] == nil {
      throw ModelError("unknown name '\(symbol)' in the expression", at: location, name: name)
    }
    var known = units
    known["t"] = timeUnit
    do {
      return try UnitInference(units: known).infer(expression.unitNode).unit
    } catch {
      throw ModelError("unit error: \(error.message)", at: location, name: name)
    }
  }

  /// Factor that converts a value of unit `from` to `to`; a mismatch names both units.
  func factor(from: InferredUnit, to: Unit, at location: SourceLocation, name: String, what: String) throws -> Double {
    guard let unit = from.unit else { return 1 }  // a bare number takes the unit it is given
    do {
      return try unit.conversionFactor(to: to)
    } catch {
      throw ModelError("\(what) has unit \(unit) but \(to) was expected", at: location, name: name)
    }
  }

  static func scaled(_ e: Expression, by factor: Double) -> Expression {
    factor == 1 ? e : .binary(.multiply, e, .number(factor))
  }

  // MARK: - Build

  mutating func build() throws -> Model {
    var covariates: [Model.Covariate] = []
    for c in file.covariates {
      try declare(c.name, as: "covariate", at: c.location)
      let unit = try Self.unit(c.unit, c.name)
      if let range = c.range, !range.contains(c.value) {
        throw ModelError("default \(c.value) lies outside its range [\(range.lowerBound), \(range.upperBound)]", at: c.location, name: c.name)
      }
      units[c.name] = unit
      covariates.append(Model.Covariate(name: c.name, value: c.value, unit: unit, range: c.range, description: c.description))
    }
    var parameters: [Model.Parameter] = []
    for p in file.parameters {
      try declare(p.name, as: "parameter", at: p.location)
      let unit = try Self.unit(p.unit, p.name)
      units[p.name] = unit
      parameters.append(Model.Parameter(name: p.name, value: p.value, unit: unit, source: p.source, evidence: p.evidence,
                                        note: p.note, variability: p.variability, range: p.range))
    }
    for a in file.assignments { try declare(a.name, as: "assignment", at: a.location); units[a.name] = try Self.unit(a.unit, a.name) }
    for c in file.compartments { try declare(c.name, as: "compartment", at: c.location); units[c.name] = try Self.unit(c.unit, c.name) }
    var speciesKinds: [SpeciesKind] = []
    for s in file.species {
      try declare(s.name, as: "species", at: s.location)
      let declared = try Self.unit(s.unit, s.name)
      let kind: SpeciesKind
      let working: Unit
      if let system {
        switch declared.dimension {
        case .amount: kind = .amount; working = system.amount
        case .concentration: kind = .concentration; working = system.concentration
        default:
          throw ModelError("unit \(declared) is neither an amount (such as µmol) nor a concentration (such as µM)", at: s.unit.location, name: s.name)
        }
      } else {
        guard declared.isDimensionless else {
          throw ModelError("this model's units are dimensionless, so species must be \"1\", not \(declared)", at: s.unit.location, name: s.name)
        }
        kind = .amount
        working = .dimensionless
      }
      units[s.name] = working
      speciesKinds.append(kind)
    }
    for o in file.observables { try declare(o.name, as: "observable", at: o.location) }

    // Assignments: parse, order by dependency, split into per-scenario constants and inlined ones.
    var assignmentExpressions: [String: Expression] = [:]
    var assignmentLocations: [String: SourceLocation] = [:]
    for a in file.assignments {
      assignmentExpressions[a.name] = try Self.expression(a.expression, a.name)
      assignmentLocations[a.name] = a.expression.location
    }
    let order = try assignmentOrder(assignmentExpressions, assignmentLocations)
    let speciesNames = Set(file.species.map(\.name))
    var dynamic: [String: Expression] = [:]
    var constants: [Model.ConstantAssignment] = []
    for name in order {
      let raw = assignmentExpressions[name]!
      let inferred = try infer(raw, at: assignmentLocations[name]!, name: name)
      let factor = try self.factor(from: inferred, to: units[name]!, at: assignmentLocations[name]!, name: name, what: "the expression")
      let expression = Self.scaled(raw, by: factor)
      let readsState = raw.symbols.contains("t") || !raw.symbols.isDisjoint(with: speciesNames)
        || !raw.symbols.isDisjoint(with: Set(dynamic.keys))
      if readsState {
        dynamic[name] = expression.substituting(dynamic)
      } else {
        constants.append(Model.ConstantAssignment(name: name, expression: expression, unit: units[name]!))
      }
    }
    let constantNames = Set(file.covariates.map(\.name) + file.parameters.map(\.name) + constants.map(\.name))

    // Compartments.
    var compartments: [Model.Compartment] = []
    for c in file.compartments {
      let volume = try Self.expression(c.volume, c.name)
      let unit = units[c.name]!
      if system != nil, unit.dimension != .volume {
        throw ModelError("volume unit \(unit) is not a volume (L, mL, ...)", at: c.unit.location, name: c.name)
      }
      for symbol in volume.symbols where !constantNames.contains(symbol) {
        throw ModelError("a volume may use covariates, parameters and constant assignments only; '\(symbol)' is not one", at: c.volume.location, name: c.name)
      }
      if let value = volume.numberValue, !(value > 0) {
        throw ModelError("volume \(value) must be positive", at: c.volume.location, name: c.name)
      }
      compartments.append(Model.Compartment(name: c.name, volume: volume, unit: unit))
    }
    let compartmentIndex = Dictionary(uniqueKeysWithValues: file.compartments.enumerated().map { ($1.name, $0) })

    // Species.
    var species: [Model.Species] = []
    for (i, s) in file.species.enumerated() {
      guard let c = compartmentIndex[s.compartment.value] else {
        throw ModelError("unknown compartment '\(s.compartment.value)'", at: s.compartment.location, name: s.name)
      }
      var initial: Double? = nil
      if case .value(let v) = s.initial {
        let declared = try Self.unit(s.unit, s.name)
        initial = v * (try declared.conversionFactor(to: units[s.name]!))
        guard initial! >= 0 else { throw ModelError("initial value \(v) is negative", at: s.location, name: s.name) }
      }
      species.append(Model.Species(name: s.name, compartment: c, unit: units[s.name]!, kind: speciesKinds[i], initial: initial))
    }
    let speciesIndex = Dictionary(uniqueKeysWithValues: species.enumerated().map { ($1.name, $0) })

    // Reactions → terms of the right-hand sides.
    var terms = [[Expression]](repeating: [], count: species.count)
    var reactions: [Model.Reaction] = []
    let hasRateRule = Set(file.rateRules.map(\.species))
    var reactionNames = Set<String>()
    for r in file.reactions {
      guard reactionNames.insert(r.name).inserted else {
        throw ModelError("reaction name appears twice", at: r.location, name: r.name)
      }
      let equation: ReactionEquation
      do { equation = try ReactionEquation.parse(r.equation.value) } catch {
        throw ModelError(error.message, at: r.equation.location, name: r.name)
      }
      for (name, _) in equation.reactants + equation.products where speciesIndex[name] == nil {
        throw ModelError("unknown species '\(name)' in the equation", at: r.equation.location, name: r.name)
      }
      let rawRate = try Self.expression(r.rate, r.name)
      let inferred = try infer(rawRate, at: r.rate.location, name: r.name)
      guard let rateUnit = inferred.unit else {
        throw ModelError("the rate law is a bare number, so its unit is unknown; give the number as a parameter with a unit", at: r.rate.location, name: r.name)
      }
      let rate = rawRate.substituting(dynamic)
      let net = equation.netChange
      let involved = (equation.reactants + equation.products).map { speciesIndex[$0.species]! }
      // The reaction's compartment: given, or the one all its species share.
      var reactionCompartment: Int? = nil
      if let given = r.compartment {
        guard let c = compartmentIndex[given.value] else {
          throw ModelError("unknown compartment '\(given.value)'", at: given.location, name: r.name)
        }
        reactionCompartment = c
      } else if let first = involved.first, involved.allSatisfy({ species[$0].compartment == species[first].compartment }) {
        reactionCompartment = species[first].compartment
      }
      for (name, coefficient) in net {
        let i = speciesIndex[name]!
        if hasRateRule.contains(name) {
          throw ModelError("species '\(name)' has a rate rule and cannot also take part in reactions", at: r.location, name: r.name)
        }
        let term = try reactionTerm(rate: rate, rateUnit: rateUnit, coefficient: coefficient, species: species[i],
                                    speciesCompartment: compartments[species[i].compartment],
                                    reactionCompartment: reactionCompartment.map { compartments[$0] },
                                    reaction: r)
        terms[i].append(term)
      }
      reactions.append(Model.Reaction(name: r.name, stoichiometry: net.map { (speciesIndex[$0.species]!, $0.coefficient) },
                                      rate: rate, rateUnit: rateUnit))
    }

    // Rate rules.
    for rule in file.rateRules {
      guard let i = speciesIndex[rule.species] else {
        throw ModelError("a rate rule for an unknown species", at: rule.location, name: rule.species)
      }
      let raw = try Self.expression(rule.expression, rule.species)
      let inferred = try infer(raw, at: rule.expression.location, name: rule.species)
      let target = species[i].unit / timeUnit
      let factor = try self.factor(from: inferred, to: target, at: rule.expression.location, name: rule.species, what: "the rate rule")
      terms[i] = [Self.scaled(raw.substituting(dynamic), by: factor)]
    }
    let rightHandSides: [Expression] = terms.map { parts in
      guard var sum = parts.first else { return .number(0) }
      for part in parts.dropFirst() {
        if case .negate(let inner) = part { sum = .binary(.subtract, sum, inner) } else { sum = .binary(.add, sum, part) }
      }
      return sum
    }

    // Observables.
    var observables: [Model.Observable] = []
    for o in file.observables {
      let raw = try Self.expression(o.expression, o.name)
      let inferred = try infer(raw, at: o.expression.location, name: o.name)
      let unit = try Self.unit(o.unit, o.name)
      let factor = try self.factor(from: inferred, to: unit, at: o.expression.location, name: o.name, what: "the observable")
      observables.append(Model.Observable(name: o.name, expression: Self.scaled(raw.substituting(dynamic), by: factor),
                                          unit: unit, description: o.description))
    }

    let routes = try file.routes.map { try route($0, speciesIndex, constantNames) }
    var model = Model(
      file: file.file, name: file.name, description: file.description, source: file.source,
      unitSystem: system, hoursPerTimeUnit: system == nil ? 1 : (try timeUnit.conversionFactor(to: .hour)),
      covariates: covariates, parameters: parameters, constantAssignments: constants, compartments: compartments,
      species: species, reactions: reactions, rightHandSides: rightHandSides, observables: observables, routes: routes)
    model.correlations = try correlations()
    return model
  }

  /// The `correlations` block: names resolved to parameters with a variability, each pair once,
  /// −1 < r < 1, and the matrix of all correlated parameters positive definite.
  func correlations() throws -> [ParameterCorrelation] {
    let parameters = Dictionary(file.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var result: [ParameterCorrelation] = []
    var pairs = Set<[String]>()
    var order: [String] = []  // correlated parameters, in order of first mention
    for c in file.correlations {
      let pairName = "\(c.first.value) ~ \(c.second.value)"
      for name in [c.first, c.second] {
        guard let p = parameters[name.value] else {
          let kind = kinds[name.value].map { " (it is a \($0))" } ?? ""
          throw ModelError("unknown parameter '\(name.value)' in a correlation\(kind)", at: name.location, name: name.value)
        }
        guard p.variability != nil else {
          throw ModelError("parameter '\(name.value)' has no 'variability', so it cannot be correlated; give it one first",
                           at: name.location, name: name.value)
        }
      }
      guard c.first.value != c.second.value else {
        throw ModelError("a parameter cannot be correlated with itself", at: c.location, name: pairName)
      }
      guard pairs.insert([c.first.value, c.second.value].sorted()).inserted else {
        throw ModelError("this pair is correlated twice", at: c.location, name: pairName)
      }
      let text = c.coefficient.value.trimmingCharacters(in: .whitespaces)
      guard let r = Double(text), r.isFinite else {
        throw ModelError("r must be a number, found '\(text)'", at: c.coefficient.location, name: pairName)
      }
      guard abs(r) < 1 else {
        throw ModelError("r = \(r) must lie strictly between -1 and 1", at: c.coefficient.location, name: pairName)
      }
      for name in [c.first.value, c.second.value] where !order.contains(name) { order.append(name) }
      result.append(ParameterCorrelation(first: c.first.value, second: c.second.value, coefficient: r, source: c.source))
    }
    // The matrix of all correlated parameters (unlisted pairs uncorrelated) must be positive
    // definite. When Cholesky fails at a parameter, the last entry naming it is blamed.
    let n = order.count
    var matrix = [Double](repeating: 0, count: n * n)
    for i in 0..<n { matrix[i * n + i] = 1 }
    for e in result {
      let i = order.firstIndex(of: e.first)!, j = order.firstIndex(of: e.second)!
      matrix[i * n + j] = e.coefficient
      matrix[j * n + i] = e.coefficient
    }
    if case .failure(let failure) = ParameterCorrelation.cholesky(matrix, n: n) {
      let culprit = order[failure.pivot]
      let blamed = file.correlations.last { $0.first.value == culprit || $0.second.value == culprit }!
      throw ModelError("the correlation matrix of \(order.joined(separator: ", ")) is not positive definite (Cholesky fails at "
                         + "\(culprit)); the coefficients contradict each other",
                       at: blamed.location, name: "\(blamed.first.value) ~ \(blamed.second.value)")
    }
    return result
  }

  /// One reaction's contribution to d(species)/dt in working units per working time.
  func reactionTerm(rate: Expression, rateUnit: Unit, coefficient: Double, species: Model.Species,
                    speciesCompartment: Model.Compartment, reactionCompartment: Model.Compartment?,
                    reaction: ModelFile.Reaction) throws -> Expression {
    var term = rate
    if let system {
      let conversion: RateConversion
      do {
        conversion = try RateCheck.check(rate: rateUnit, species: species.unit, volume: speciesCompartment.unit, system: system)
      } catch {
        throw ModelError("\(error.message) (species \(species.name))", at: reaction.rate.location, name: reaction.name)
      }
      term = Self.scaled(term, by: conversion.rateFactor)
      let volumeOf: (Model.Compartment) -> Expression = { c in
        Self.scaled(.symbol(c.name), by: system.factor(from: c.unit))
      }
      switch (conversion.basis, species.kind) {
      case (.amountPerTime, .amount): break
      case (.amountPerTime, .concentration):
        term = .binary(.divide, term, volumeOf(speciesCompartment))
      case (.concentrationPerTime, let kind):
        guard let rc = reactionCompartment else {
          throw ModelError("the rate is a concentration per time but the species are in different compartments; give the reaction a 'compartment'", at: reaction.location, name: reaction.name)
        }
        if kind == .concentration && rc.name == speciesCompartment.name { break }
        term = .binary(.multiply, term, volumeOf(rc))
        if kind == .concentration { term = .binary(.divide, term, volumeOf(speciesCompartment)) }
      }
    }
    if coefficient == 1 { return term }
    if coefficient == -1 { return .negate(term) }
    return .binary(.multiply, .number(coefficient), term)
  }

  /// Assignment names in an order where each comes after those it uses; a cycle is an error.
  func assignmentOrder(_ expressions: [String: Expression], _ locations: [String: SourceLocation]) throws -> [String] {
    var order: [String] = []
    var state: [String: Int] = [:]  // 1 visiting, 2 done
    func visit(_ name: String, _ path: [String]) throws {
      if state[name] == 2 { return }
      if state[name] == 1 {
        let cycle = (path.drop { $0 != name } + [name]).joined(separator: " → ")
        throw ModelError("circular assignment: \(cycle)", at: locations[name]!, name: name)
      }
      state[name] = 1
      for symbol in expressions[name]!.symbols.sorted() where expressions[symbol] != nil {
        try visit(symbol, path + [name])
      }
      state[name] = 2
      order.append(name)
    }
    for a in file.assignments { try visit(a.name, []) }
    return order
  }

  func route(_ r: ModelFile.Route, _ speciesIndex: [String: Int], _ constants: Set<String>) throws -> Model.Route {
    let bioavailability = try Self.expression(r.bioavailability, "\(r.name).bioavailability")
    for symbol in bioavailability.symbols where !constants.contains(symbol) {
      throw ModelError("bioavailability may use covariates, parameters and constant assignments only; '\(symbol)' is not one", at: r.bioavailability.location, name: r.name)
    }
    if let value = bioavailability.numberValue, !(0...1).contains(value) {
      throw ModelError("bioavailability \(value) must lie in [0, 1]", at: r.bioavailability.location, name: r.name)
    }
    var lag = 0.0
    if let text = r.lag {
      do { lag = try DoseQuantity.hours(parsing: text.value) } catch {
        throw ModelError("lag: \(error.message)", at: text.location, name: r.name)
      }
    }
    var maxMg: Double? = nil, maxUmol: Double? = nil
    if let text = r.maxSingleDose {
      do {
        let amount = try DoseAmount(parsing: text.value)
        switch amount { case .milligrams(let v): maxMg = v; case .micromoles(let v): maxUmol = v }
      } catch {
        throw ModelError("max_single_dose: \(error.message)", at: text.location, name: r.name)
      }
    }
    let substances = try r.substances.map { s -> Model.RouteSubstance in
      guard let i = speciesIndex[s.species.value] else {
        throw ModelError("unknown species '\(s.species.value)'", at: s.species.location, name: "\(r.name).\(s.name)")
      }
      return Model.RouteSubstance(name: s.name, species: i, molecularWeight: s.molecularWeight)
    }
    let amountFormula = try r.amount.map { try Self.expression($0, "\(r.name).amount") }
    let removalSpecies = try (r.removal?.species ?? []).map { text -> Int in
      guard let i = speciesIndex[text.value] else {
        throw ModelError("unknown species '\(text.value)'", at: text.location, name: "\(r.name).removal")
      }
      return i
    }
    return Model.Route(name: r.name, bioavailability: bioavailability, lagHours: lag, maxSingleDoseMilligrams: maxMg,
                       maxSingleDoseMicromoles: maxUmol, substances: substances, amountFormula: amountFormula,
                       requires: r.requires, removalAfterField: r.removal?.afterField, removalSpecies: removalSpecies)
  }
}
