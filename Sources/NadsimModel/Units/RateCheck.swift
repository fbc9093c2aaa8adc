/// Whether a species is counted as a quantity or as a quantity per volume.
public enum SpeciesKind: Sendable, Equatable {
  /// An amount (µmol, mmol) or, for mass-based species, a mass (mg, g).
  case amount
  /// A concentration: amount per volume (µM, nmol/mL) or mass per volume (mg/L).
  case concentration
}

/// How a reaction's rate law is to be read.
public enum RateBasis: Sendable, Equatable {
  /// Amount (or mass) per time, such as µmol/h: d(amount)/dt = ν · rate, and a concentration
  /// species changes by ν · rate / V.
  case amountPerTime
  /// Concentration per time, such as µM/h: d(concentration)/dt = ν · rate, and an amount species
  /// changes by ν · rate · V.
  case concentrationPerTime
}

/// What the compartment volume does to a reaction's contribution to one species.
public enum VolumeScaling: Sendable, Equatable {
  /// Rate and species are on the same basis.
  case none
  /// Amount-per-time rate, concentration species: divide by the volume.
  case divideByVolume
  /// Concentration-per-time rate, amount species: multiply by the volume.
  case multiplyByVolume
}

/// The accepted reading of a rate law for one species, with the factors to the model's internal
/// units (see ``UnitSystem/model``: µmol, L, µmol/L, mg, h).
public struct RateConversion: Equatable, Sendable {
  public var basis: RateBasis
  public var speciesKind: SpeciesKind
  /// Multiplies the rate law's raw value into ``internalRateUnit``.
  public var rateFactor: Double
  /// Multiplies the compartment volume's raw value into the internal volume unit (L).
  public var volumeFactor: Double
  /// µmol/h or µmol/L/h (mg/h or mg/L/h for a mass-based species) in ``UnitSystem/model``.
  public var internalRateUnit: Unit
  /// The internal unit of the species' rate of change: µmol/h or µmol/L/h (mg/h, mg/L/h).
  public var internalSpeciesRateUnit: Unit

  /// Whether the contribution is divided or multiplied by the compartment volume.
  public var volumeScaling: VolumeScaling {
    switch (basis, speciesKind) {
    case (.amountPerTime, .concentration): return .divideByVolume
    case (.concentrationPerTime, .amount): return .multiplyByVolume
    default: return .none
    }
  }

  /// The reaction's contribution to the species' derivative, in ``internalSpeciesRateUnit``.
  /// - Parameters:
  ///   - stoichiometry: ν, negative for a substrate.
  ///   - rate: the rate law's value as computed, in its own unit.
  ///   - volume: the compartment volume in its own unit (ignored when ``volumeScaling`` is none).
  public func speciesRate(stoichiometry: Double, rate: Double, volume: Double) -> Double {
    let r = stoichiometry * rate * rateFactor
    switch volumeScaling {
    case .none: return r
    case .divideByVolume: return r / (volume * volumeFactor)
    case .multiplyByVolume: return r * (volume * volumeFactor)
    }
  }
}

/// Checks that a reaction's rate law has a unit that can change a species, and how.
public enum RateCheck {
  /// Reads `rate` as amount per time or concentration per time of the species' substance.
  ///
  /// The species' unit says whether it is counted in amounts or concentrations, and of moles or
  /// of mass: µM is a mole-based concentration, mg a mass-based amount. The rate must be that
  /// substance per time (µmol/h, mg/min) or per volume and time (µM/h, mg/L/h); any time unit is
  /// accepted and converted.
  /// - Parameters:
  ///   - rate: the rate law's unit (from ``UnitInference``).
  ///   - species: the species' unit.
  ///   - volume: the unit of the species' compartment volume.
  ///   - system: the internal units; ``UnitSystem/model`` by default.
  /// - Throws: ``UnitError`` of kind `rate` naming the units involved when the species unit is not
  ///   an amount or a concentration, the volume unit is not a volume, or the rate does not fit.
  public static func check(rate: Unit, species: Unit, volume: Unit, system: UnitSystem = .model)
    throws(UnitError) -> RateConversion
  {
    let (kind, substance) = try classify(species)
    guard volume.dimension == .volume else {
      throw UnitError(
        .rate,
        "compartment volume unit \(volume) (\(volume.dimension)) is not a volume, such as L or mL")
    }
    let perTime = substance / .time
    let perVolumeTime = substance / .volume / .time
    let basis: RateBasis
    switch rate.dimension {
    case perTime: basis = .amountPerTime
    case perVolumeTime: basis = .concentrationPerTime
    default:
      throw UnitError(
        .rate,
        "rate unit \(rate) (\(rate.dimension)) does not fit species unit \(species): "
          + "a rate must be an amount per time, such as \(system.unit(for: perTime)), "
          + "or a concentration per time, such as \(system.unit(for: perVolumeTime))")
    }
    return RateConversion(
      basis: basis, speciesKind: kind, rateFactor: system.factor(from: rate),
      volumeFactor: system.factor(from: volume), internalRateUnit: system.unit(for: rate.dimension),
      internalSpeciesRateUnit: system.unit(for: species.dimension / .time))
  }

  /// As ``check(rate:species:volume:system:)`` for an inferred unit.
  /// - Throws: ``UnitError`` of kind `rate` for a rate law made only of numbers, whose unit is
  ///   unknown (give the number a unit through a named parameter).
  public static func check(
    rate: InferredUnit, species: Unit, volume: Unit, system: UnitSystem = .model
  ) throws(UnitError) -> RateConversion {
    guard let unit = rate.unit else {
      let example = system.unit(for: species.dimension / .time)
      throw UnitError(
        .rate,
        "the rate law is a bare number, so its unit is unknown; species unit is \(species): "
          + "write the number as a parameter with a unit, such as \(example)")
    }
    return try check(rate: unit, species: species, volume: volume, system: system)
  }

  /// The species' kind and its substance dimension (amount or mass).
  static func classify(_ species: Unit) throws(UnitError) -> (SpeciesKind, UnitDimension) {
    switch species.dimension {
    case .amount: return (.amount, .amount)
    case .mass: return (.amount, .mass)
    case .concentration: return (.concentration, .amount)
    case .massConcentration: return (.concentration, .mass)
    default:
      throw UnitError(
        .rate,
        "species unit \(species) (\(species.dimension)) is neither an amount (such as µmol or mg) "
          + "nor a concentration (such as µM or mg/L)")
    }
  }
}
