/// A model after loading: every name resolved, every expression parsed and unit-checked, every
/// rate law turned into the right-hand side of its species in the model's working units.
///
/// Values and units. Parameters, covariates and compartment volumes keep the values and units
/// written in the file; species are held in the model's working units (the `units` block: an
/// amount, or an amount per volume). Expressions compute in the units of their symbols, and unit
/// inference knows the unit of every rate law, scale included, so the loader multiplies each by
/// the factor that turns it into working units per working time. Where that factor is exactly 1,
/// nothing is multiplied (the test-set files then evaluate exactly as the hand-written versions).
public struct Model {
  public struct Covariate {
    public var name: String
    public var value: Double
    public var unit: Unit
    public var range: ClosedRange<Double>?
    public var description: String?
  }

  public struct Parameter {
    public var name: String
    public var value: Double
    public var unit: Unit
    public var source: String
    public var evidence: Evidence
    public var note: String?
    public var variability: ModelFile.Variability?
    public var range: ClosedRange<Double>?
  }

  /// An assignment whose value depends only on covariates, parameters and other such assignments:
  /// computed once per scenario. (Assignments that read species or t are inlined instead.)
  public struct ConstantAssignment {
    public var name: String
    public var expression: Expression
    public var unit: Unit
  }

  public struct Compartment {
    public var name: String
    /// The volume in `unit`: a number or an expression of covariates, parameters and constant
    /// assignments.
    public var volume: Expression
    public var unit: Unit
  }

  public struct Species {
    public var name: String
    public var compartment: Int
    /// Working unit: the system's amount or concentration unit.
    public var unit: Unit
    public var kind: SpeciesKind
    /// Initial value in working units; nil for `steady_state`.
    public var initial: Double?
  }

  public struct Reaction {
    public var name: String
    public var stoichiometry: [(species: Int, coefficient: Double)]
    public var rate: Expression
    public var rateUnit: Unit
  }

  public struct Observable {
    public var name: String
    /// In the observable's declared unit (conversion included).
    public var expression: Expression
    public var unit: Unit
    public var description: String?
  }

  public struct RouteSubstance {
    public var name: String
    public var species: Int
    public var molecularWeight: Double
  }

  public struct Route {
    public var name: String
    public var bioavailability: Expression
    public var lagHours: Double
    public var maxSingleDoseMilligrams: Double?
    public var maxSingleDoseMicromoles: Double?
    public var substances: [RouteSubstance]
    public var amountFormula: Expression?
    public var requires: [String]
    public var removalAfterField: String?
    public var removalSpecies: [Int]
  }

  public var file: String
  public var name: String
  public var description: String
  public var source: String?
  /// Nil for a dimensionless model (all units "1").
  public var unitSystem: UnitSystem?
  /// Hours per model time unit (1 for h; for a dimensionless model, 1).
  public var hoursPerTimeUnit: Double
  public var covariates: [Covariate]
  public var parameters: [Parameter]
  /// In dependency order.
  public var constantAssignments: [ConstantAssignment]
  public var compartments: [Compartment]
  public var species: [Species]
  public var reactions: [Reaction]
  /// d(species)/dt in working units per working time, with every rate law, volume scaling, unit
  /// factor and state-dependent assignment already in it; one per species.
  public var rightHandSides: [Expression]
  public var observables: [Observable]
  public var routes: [Route]
  /// Correlations between parameters' variability (virtual populations); empty when the file
  /// declares none.
  public var correlations: [ParameterCorrelation] = []

  /// Names of the per-scenario constants, in input order after t and the species: covariates,
  /// parameters, constant assignments, compartment volumes.
  public var constantNames: [String] {
    covariates.map(\.name) + parameters.map(\.name) + constantAssignments.map(\.name) + compartments.map(\.name)
  }

  public func speciesIndex(_ name: String) -> Int? { species.firstIndex { $0.name == name } }
  public func route(_ name: String) -> Route? { routes.first { $0.name == name } }
}
