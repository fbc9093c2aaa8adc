import Testing
import NadsimModel

/// Internal units (UnitSystem.model): µmol, L, µmol/L = µM, mg, h. Expected factors by hand.
@Suite("Unit checks of rate laws and conversion to internal units")
struct UnitRateCheckTests {
  func check(_ rate: String, _ species: String, _ volume: String = "L") throws(UnitError)
    -> RateConversion
  {
    try RateCheck.check(
      rate: parsedUnit(rate), species: parsedUnit(species), volume: parsedUnit(volume))
  }

  func failure(_ rate: String, _ species: String, _ volume: String = "L") -> UnitError? {
    do {
      _ = try check(rate, species, volume)
      return nil
    } catch {
      return error
    }
  }

  @Test("µmol/h is accepted for an amount species as amount per time")
  func amountRateForAmountSpecies() throws {
    let c = try check("µmol/h", "µmol")
    #expect(c.basis == .amountPerTime)
    #expect(c.speciesKind == .amount)
    #expect(c.rateFactor == 1)
    #expect(c.volumeScaling == .none)
    #expect(c.internalRateUnit.description == "µmol/h")
    #expect(c.speciesRate(stoichiometry: -1, rate: 2, volume: 0.5) == -2)
  }

  @Test("µM/h is accepted for a concentration species as concentration per time")
  func concentrationRateForConcentrationSpecies() throws {
    let c = try check("µM/h", "µM")
    #expect(c.basis == .concentrationPerTime)
    #expect(c.speciesKind == .concentration)
    #expect(c.rateFactor == 1)
    #expect(c.volumeScaling == .none)
    #expect(c.internalRateUnit.description == "µmol/L/h")
    #expect(c.internalSpeciesRateUnit == parsedUnit("µM/h"))
    #expect(c.speciesRate(stoichiometry: 2, rate: 3, volume: 10) == 6)
  }

  @Test(
    "an amount rate changes a concentration species by rate / volume (2 µmol/h in 500 mL: 4 µM/h)")
  func amountRateForConcentrationSpecies() throws {
    let c = try check("µmol/h", "µM", "mL")
    #expect(c.basis == .amountPerTime)
    #expect(c.volumeScaling == .divideByVolume)
    #expect(c.volumeFactor == 1e-3)
    #expect(close(c.speciesRate(stoichiometry: 1, rate: 2, volume: 500), 4))
  }

  @Test(
    "a concentration rate changes an amount species by rate × volume (60 nM/min in 2 L: 7.2 µmol/h)"
  )
  func concentrationRateForAmountSpecies() throws {
    let c = try check("nM/min", "µmol")
    #expect(c.basis == .concentrationPerTime)
    #expect(c.volumeScaling == .multiplyByVolume)
    // 1 nM/min = 1e-3 µM per 1/60 h = 0.06 µM/h.
    #expect(close(c.rateFactor, 0.06))
    #expect(close(c.speciesRate(stoichiometry: 1, rate: 60, volume: 2), 7.2))
  }

  @Test("other time and amount units convert: 1 mmol/s = 3.6e6 µmol/h")
  func rateFactors() throws {
    #expect(try check("mmol/s", "µmol").rateFactor == 3.6e6)
    #expect(try check("nmol/mL/min", "nM").rateFactor == 60)
  }

  @Test("mg/h is rejected for a mole-based species, naming both units")
  func massRateForMoleSpecies() throws {
    let error = try #require(failure("mg/h", "µM"))
    #expect(error.kind == .rate)
    #expect(
      error.message
        == "rate unit mg/h (mass/time) does not fit species unit µM: a rate must be an amount "
        + "per time, such as µmol/h, or a concentration per time, such as µmol/L/h")
    #expect(failure("1/h", "µmol")?.kind == .rate)
  }

  @Test("mass-based species take mass rates: 1 g/d = 1000/24 mg/h")
  func massSpecies() throws {
    let c = try check("g/d", "mg")
    #expect(c.basis == .amountPerTime)
    #expect(close(c.rateFactor, 1000.0 / 24))
    #expect(c.internalRateUnit.description == "mg/h")
    #expect(try check("mg/L/h", "mg/L").basis == .concentrationPerTime)
    let error = try #require(failure("µmol/h", "mg"))
    #expect(error.message.contains("rate unit µmol/h (amount/time) does not fit species unit mg"))
    #expect(error.message.contains("such as mg/h"))
  }

  @Test(
    "species that are not amounts or concentrations, and volumes that are not volumes, are rejected"
  )
  func badSpeciesAndVolume() throws {
    let species = try #require(failure("µmol/h", "1/h"))
    #expect(species.message.contains("species unit 1/h (1/time) is neither an amount"))
    let volume = try #require(failure("µmol/h", "µM", "mg"))
    #expect(volume.message.contains("compartment volume unit mg (mass) is not a volume"))
  }

  @Test("a rate law made only of numbers has no unit to check")
  func flexibleRate() throws {
    let error = try #require(throws: UnitError.self) {
      try RateCheck.check(
        rate: InferredUnit.flexible, species: parsedUnit("µM"), volume: parsedUnit("L"))
    }
    #expect(error.kind == .rate)
    #expect(error.message.contains("bare number"))
  }

  @Test("parameters convert to internal units: 1/s → 3600/h, nM → 1e-3 µM, g → 1000 mg")
  func parameterConversion() throws {
    let model = UnitSystem.model
    #expect(model.convert(1, from: parsedUnit("1/s")) == 3600)
    #expect(model.convert(1, from: parsedUnit("nM")) == 1e-3)
    #expect(model.convert(1, from: parsedUnit("g")) == 1000)
    #expect(model.convert(70, from: parsedUnit("kg")) == 7e7)
    #expect(close(model.convert(250, from: parsedUnit("mL")), 0.25))
    #expect(model.convert(1, from: parsedUnit("L/h/kg")) == 1e-6)  // → L/mg/h
    #expect(model.convert(1, from: parsedUnit("mg/cm^2")) == 100)  // → mg/dm²
    #expect(close(model.convert(1, from: parsedUnit("1/yr")), 1.0 / 8766))
    #expect(close(model.convert(5, from: parsedUnit("%")), 0.05))
    #expect(
      model.unit(for: UnitDimension(amount: 1, length: -3, time: -1)).description == "µmol/L/h")
    #expect(model.unit(for: UnitDimension(length: 3, mass: -1, time: -1)).description == "L/mg/h")
    #expect(model.unit(for: .volume) == parsedUnit("L"))
    #expect(model.concentration == parsedUnit("µM"))
  }
}
