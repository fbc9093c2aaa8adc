import Testing
import NadsimModel

@Suite("Dose quantities: amounts, durations and rates with units")
struct DosingQuantityTests {
  @Test("masses convert to mg: 500 mg = 0.5 g, 250 µg = 0.25 mg in every spelling of µ")
  func masses() throws {
    #expect(try DoseAmount(parsing: "500mg") == .milligrams(500))
    // 0.5 × 1000 = 500 exactly.
    #expect(try DoseAmount(parsing: "0.5 g") == .milligrams(500))
    #expect(try DoseAmount(parsing: "0.5 g") == DoseAmount(parsing: "500 mg"))
    // 250 ÷ 1000 = 0.25, exact in binary.
    #expect(try DoseAmount(parsing: "250 \u{00B5}g") == .milligrams(0.25))  // micro sign
    #expect(try DoseAmount(parsing: "250 \u{03BC}g") == .milligrams(0.25))  // Greek mu
    #expect(try DoseAmount(parsing: "250ug") == .milligrams(0.25))
    #expect(try DoseAmount(parsing: "  12.5  mg ") == .milligrams(12.5))
  }

  @Test("amounts of substance convert to µmol: 2 mmol = 2000 µmol, 1e3 nmol = 1 µmol")
  func moles() throws {
    #expect(try DoseAmount(parsing: "100 µmol") == .micromoles(100))
    #expect(try DoseAmount(parsing: "100umol") == .micromoles(100))
    #expect(try DoseAmount(parsing: "2 mmol") == .micromoles(2000))
    #expect(try DoseAmount(parsing: "1e3 nmol") == .micromoles(1))
    #expect(try DoseAmount(parsing: "2.5E-1 mmol") == .micromoles(250))
  }

  @Test("mass and amount of substance stay apart; a molecular weight converts them")
  func kinds() throws {
    let mass = try DoseAmount(parsing: "500 mg")
    let moles = try DoseAmount(parsing: "2 mmol")
    #expect(mass.kind == .mass && moles.kind == .moles)
    #expect(mass != moles)
    // 500 mg of a 250 g/mol substance: 0.5 g / 250 g/mol = 2 mmol = 2000 µmol, and back.
    #expect(mass.micromoles(molecularWeight: 250) == 2000)
    #expect(moles.milligrams(molecularWeight: 250) == 500)
    #expect(moles.micromoles(molecularWeight: 250) == 2000)
    #expect(mass.milligrams(molecularWeight: 250) == 500)
  }

  @Test("durations convert to hours: 14 d = 336 h, 2 w = 336 h, 30 min = 0.5 h, 90 s = 0.025 h")
  func durations() throws {
    #expect(try DoseQuantity.hours(parsing: "14d") == 336)  // 14 × 24
    #expect(try DoseQuantity.hours(parsing: "2w") == 336)  // 2 × 168
    #expect(try DoseQuantity.hours(parsing: "6h") == 6)
    #expect(try DoseQuantity.hours(parsing: "30min") == 0.5)  // 30 ÷ 60
    #expect(try DoseQuantity.hours(parsing: "90 s") == 0.025)  // 90 ÷ 3600, correctly rounded
    #expect(try DoseQuantity.hours(parsing: "1.5 days") == 36)
    #expect(try DoseQuantity.hours(parsing: "0") == 0)  // a bare 0 needs no unit
  }

  @Test("rates: 50 mg/h, 1 g/d = 1000/24 mg/h, 20 µmol/min = 1200 µmol/h, 500 mg/12 h")
  func rates() throws {
    #expect(try DoseRate(parsing: "50mg/h") == DoseRate(perHour: .milligrams(50)))
    #expect(try DoseRate(parsing: "1 g/d") == DoseRate(perHour: .milligrams(1000.0 / 24.0)))
    #expect(try DoseRate(parsing: "20 µmol/min") == DoseRate(perHour: .micromoles(1200)))
    #expect(try DoseRate(parsing: "500 mg/12 h") == DoseRate(perHour: .milligrams(500.0 / 12.0)))
    #expect(DoseRate(delivering: .milligrams(750), overHours: 6) == DoseRate(perHour: .milligrams(125)))
  }

  @Test("unreadable quantities say what was given and what was expected")
  func errors() {
    func amountError(_ text: String) -> String? {
      do { _ = try DoseAmount(parsing: text); return nil } catch { return error.description }
    }
    func hoursError(_ text: String) -> String? {
      do { _ = try DoseQuantity.hours(parsing: text); return nil } catch { return error.description }
    }
    func rateError(_ text: String) -> String? {
      do { _ = try DoseRate(parsing: text); return nil } catch { return error.description }
    }
    #expect(amountError("5 parsecs") == "'5 parsecs': unknown unit 'parsecs'; expected one of mg, g, µg, mmol, µmol, nmol")
    #expect(amountError("500") == "'500': missing unit; expected one of mg, g, µg, mmol, µmol, nmol")
    #expect(amountError("-5 mg") == "'-5 mg': negative; expected a number ≥ 0")
    #expect(amountError("") == "'': empty; expected a number and a unit (mg, g, µg, mmol, µmol, nmol)")
    #expect(amountError("mg") == "'mg': expected a number followed by a unit (mg, g, µg, mmol, µmol, nmol), e.g. 500 mg or 12 h")
    #expect(amountError("1e999 mg") == "'1e999 mg': '1e999' is not a finite number")
    #expect(amountError("500 MG") == "'500 MG': unknown unit 'MG'; expected one of mg, g, µg, mmol, µmol, nmol")
    #expect(hoursError("5 fortnights") == "'5 fortnights': unknown unit 'fortnights'; expected one of s, min, h, d, w")
    #expect(hoursError("12") == "'12': missing unit; expected one of s, min, h, d, w")
    #expect(hoursError("3 m") == "'3 m': unknown unit 'm'; expected one of s, min, h, d, w")
    #expect(rateError("50 mg") == "'50 mg': expected AMOUNT/TIME, e.g. 50 mg/h")
    #expect(rateError("50mg/0h") == "'50mg/0h': time '0h' must be > 0")
    #expect(rateError("50 parsecs/h")
      == "'50 parsecs/h': amount '50 parsecs': unknown unit 'parsecs'; expected one of mg, g, µg, mmol, µmol, nmol")
    #expect(rateError("50 mg/fortnight")
      == "'50 mg/fortnight': time 'fortnight': unknown unit 'fortnight'; expected one of s, min, h, d, w")
  }

  @Test("descriptions read back: 0.25 mg, 2000 µmol, 125 mg/h")
  func descriptions() throws {
    #expect(try DoseAmount(parsing: "250 ug").description == "0.25 mg")
    #expect(try DoseAmount(parsing: "2 mmol").description == "2000 µmol")
    #expect(try DoseAmount(parsing: DoseAmount.micromoles(0.1).description) == .micromoles(0.1))
    #expect(DoseRate(perHour: .milligrams(125)).description == "125 mg/h")
  }
}
