/// The units a model computes in: one unit per base dimension, from which the internal unit of any
/// quantity follows (µmol/L/h for a concentration rate, 1/h for a rate constant).
///
/// Parameters and initial values given in other units are converted once, when the model is
/// loaded, with ``convert(_:from:)``; the evaluator then works on raw numbers.
public struct UnitSystem: Equatable, Sendable {
  /// Internal unit of amount of substance.
  public let amount: Unit
  /// Internal unit of length; volume is its cube.
  public let length: Unit
  /// Internal unit of mass.
  public let mass: Unit
  /// Internal unit of time.
  public let time: Unit

  /// - Precondition: each unit has the dimension its label says.
  public init(amount: Unit, length: Unit, mass: Unit, time: Unit) {
    precondition(
      amount.dimension == .amount && length.dimension == .length && mass.dimension == .mass
        && time.dimension == .time,
      "UnitSystem units must be an amount, a length, a mass and a time")
    self.amount = amount
    self.length = length
    self.mass = mass
    self.time = time
  }

  /// nadsim's internal units: amounts in µmol, volumes in L (so length in dm), concentrations in
  /// µmol/L = µM, masses in mg, time in h. Areas come out in dm² (1 cm² = 0.01 dm²): areas are
  /// normally met inside products (mg/cm² × cm²) whose result converts to mg.
  public static let model = UnitSystem(
    amount: .micromole, length: .decimetre, mass: .milligram, time: .hour)

  /// The cube of ``length``, printed "L" when it is the litre.
  public var volume: Unit {
    let cube = length.raised(to: 3)
    return cube == .litre ? .litre : cube
  }

  /// Amount per volume: µmol/L in ``model``.
  public var concentration: Unit { amount / volume }

  /// The internal unit of a dimension: amount^a · volume^(l/3) (or length^l when l is not a
  /// multiple of 3) · mass^m · time^t. Concentration rate → µmol/L/h, clearance per body mass →
  /// L/mg/h.
  public func unit(for dimension: UnitDimension) -> Unit {
    var unit = Unit.dimensionless
    if dimension.amount != 0 { unit = unit * amount.raised(to: dimension.amount) }
    if dimension.length != 0 {
      let inVolumes = dimension.length * UnitExponent(1, 3)
      unit =
        unit
        * (inVolumes.isInteger ? volume.raised(to: inVolumes) : length.raised(to: dimension.length))
    }
    if dimension.mass != 0 { unit = unit * mass.raised(to: dimension.mass) }
    if dimension.time != 0 { unit = unit * time.raised(to: dimension.time) }
    return unit
  }

  /// The number a value in `unit` is multiplied by to express it in this system:
  /// 3600 for 1/s (→ 1/h), 1e-3 for nM (→ µM), 1000 for g (→ mg).
  public func factor(from unit: Unit) -> Double {
    Unit.cleaned(unit.factor / self.unit(for: unit.dimension).factor)
  }

  /// `value`, given in `unit`, in this system's unit of the same dimension (``unit(for:)``).
  /// Every unit converts: the system has a unit for every dimension. Mass is never turned into
  /// amount here (that needs a molar mass).
  public func convert(_ value: Double, from unit: Unit) -> Double { value * factor(from: unit) }
}
