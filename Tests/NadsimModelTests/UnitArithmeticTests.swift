// Foundation is imported on purpose: it has a class named Unit too. Calls such as
// Unit(parsing:) still resolve, but a type annotation must say NadsimModel.Unit.
import Foundation
import Testing
import NadsimModel

@Suite("Unit arithmetic and conversion")
struct UnitArithmeticTests {
  let uM = parsedUnit("µM")
  let mM = parsedUnit("mM")
  let s = parsedUnit("s")
  let h = parsedUnit("h")
  let mg = parsedUnit("mg")
  let cm = parsedUnit("cm")

  @Test("1 µM = 1e-3 mM and 1 mM = 1000 µM")
  func micromolarToMillimolar() throws {
    let micromolar: NadsimModel.Unit = try Unit(parsing: "µM")
    #expect(micromolar == uM)
    #expect(try uM.conversionFactor(to: mM) == 1e-3)
    #expect(try mM.convert(1, to: uM) == 1000)
  }

  @Test("1/s = 3600/h")
  func perSecondToPerHour() throws {
    #expect(try s.reciprocal.conversionFactor(to: h.reciprocal) == 3600)
    #expect(try Unit(parsing: "1/s").convert(2, to: Unit(parsing: "h^-1")) == 7200)
  }

  @Test("1 mg/cm² over 400 cm² is 400 mg")
  func surfaceDose() throws {
    let density = try Unit(parsing: "mg/cm^2")
    let area = try Unit(parsing: "cm^2")
    let dose = density * area
    #expect(dose.dimension == .mass)
    #expect(dose == mg)
    #expect(dose.description == "mg")
    #expect(try dose.convert(1 * 400, to: mg) == 400)
  }

  @Test("1 year = 8766 h (Julian year, 365.25 d × 24 h)")
  func yearInHours() throws {
    #expect(try Unit(parsing: "year").convert(1, to: h) == 8766)
    #expect(try Unit(parsing: "yr") == Unit(parsing: "year"))
    #expect(try Unit(parsing: "wk").convert(1, to: h) == 168)
    #expect(try Unit(parsing: "d").convert(1, to: h) == 24)
    #expect(try Unit(parsing: "min").convert(90, to: h) == 1.5)
  }

  @Test("1 ppm of a 1 g dose is 1 µg")
  func partsPerMillion() throws {
    let fraction = try Unit(parsing: "ppm") * Unit(parsing: "g")
    #expect(fraction == (try Unit(parsing: "µg")))
    #expect(try fraction.convert(1, to: Unit(parsing: "µg")) == 1)
    #expect(try Unit(parsing: "%").convert(50, to: Unit(parsing: "1")) == 0.5)
  }

  @Test("converting between dimensions fails and names both units")
  func incompatibleConversion() throws {
    let rate = try Unit(parsing: "mg/h")
    let concentrationRate = try Unit(parsing: "µM/h")
    let error = try #require(throws: UnitError.self) {
      try rate.conversionFactor(to: concentrationRate)
    }
    #expect(error.kind == .incompatibleDimensions)
    #expect(
      error.message
        == "cannot convert mg/h (mass/time) to µM/h (amount/volume/time): the dimensions differ")
  }

  @Test("powers and roots multiply exponents; dimension words read like units")
  func powers() throws {
    #expect(cm.raised(to: 2) == (try Unit(parsing: "cm^2")))
    #expect(cm.raised(to: 3) == (try Unit(parsing: "mL")))
    #expect(
      uM.squareRoot().dimension
        == UnitDimension(amount: UnitExponent(1, 2), length: UnitExponent(-3, 2)))
    #expect(uM.squareRoot().raised(to: 2) == uM)
    #expect(uM.squareRoot().description == "µM^(1/2)")
    #expect(uM.squareRoot().dimension.description == "amount^(1/2)/length^(3/2)")
    #expect((uM / h).dimension.description == "amount/volume/time")
    #expect(h.reciprocal.dimension.description == "1/time")
    #expect((uM / uM).isPureNumber)
    #expect((uM / uM).description == "dimensionless")
    #expect((mM / uM).isDimensionless && !(mM / uM).isPureNumber)
    #expect((mM / uM).factor == 1000)
  }

  @Test("dimensionless units: % and ppm are dimensionless but not plain numbers")
  func dimensionless() throws {
    let percent = try Unit(parsing: "%")
    #expect(percent.isDimensionless)
    #expect(!percent.isPureNumber)
    #expect(Unit.dimensionless.isPureNumber)
    #expect(!uM.isDimensionless)
  }

  @Test("canonical descriptions are in base units with the factor")
  func canonical() throws {
    #expect(uM.canonicalDescription == "0.001 mol/m^3")
    #expect(h.canonicalDescription == "3600 s")
    #expect(try Unit(parsing: "1/s").canonicalDescription == "1/s")
    #expect(try Unit(parsing: "%").canonicalDescription == "0.01")
    #expect(Unit.dimensionless.canonicalDescription == "dimensionless")
    #expect(try Unit(parsing: "nmol/mL").canonicalDescription == uM.canonicalDescription)
    #expect(Unit(factor: 1e-3, dimension: .concentration).description == "0.001 mol/m^3")
  }

  @Test("composed units keep their symbols: k·S prints µM/h")
  func composedDescription() throws {
    let k = try Unit(parsing: "1/h")
    #expect((k * uM).description == "µM/h")
    #expect((uM * uM / uM).description == "µM")
  }

  @Test("rational exponents are kept in lowest terms")
  func exponents() {
    #expect(UnitExponent(2, 4) == UnitExponent(1, 2))
    #expect(UnitExponent(3, -6) == UnitExponent(-1, 2))
    #expect(UnitExponent(approximating: 0.5) == UnitExponent(1, 2))
    #expect(UnitExponent(approximating: 1.0 / 3) == UnitExponent(1, 3))
    #expect(UnitExponent(approximating: 2.7) == UnitExponent(27, 10))
    #expect(UnitExponent(approximating: Double.pi) == nil)
    #expect(UnitExponent(1, 2) + UnitExponent(1, 3) == UnitExponent(5, 6))
    #expect(UnitExponent(-3, 2).description == "-3/2")
  }
}
