import Testing
import NadsimModel

@Suite("--dose ROUTE:SUBSTANCE:AMOUNT[@TIME][xCOUNT/INTERVAL][,KEY=VALUE...]")
struct DosingFlagTests {
  @Test("oral:NMN:500mg is one 500 mg oral bolus of NMN at 0 h")
  func simplest() throws {
    let dose = try DoseFlag.parse("oral:NMN:500mg")
    #expect(dose.route == "oral")
    #expect(dose.substance == "NMN")
    #expect(dose.amount == .milligrams(500))
    #expect(dose.timeHours == 0)
    #expect(dose.infusion == nil)
    #expect(dose.repetition == nil)
    #expect(dose.routeParameters.isEmpty)
    #expect(dose.origin == SourceLocation(file: "--dose"))
  }

  @Test("@TIME sets the first dose time; units and spaces as in files")
  func time() throws {
    #expect(try DoseFlag.parse("oral:NMN:500mg@8h").timeHours == 8)
    let spaced = try DoseFlag.parse(" oral:NMN:0.5 g @ 2 d ")
    #expect(spaced.amount == .milligrams(500))
    #expect(spaced.timeHours == 48)
    #expect(try DoseFlag.parse("oral:NMN:100umol@90min").amount == .micromoles(100))
  }

  @Test("x56/12h is 56 doses in all, 12 h apart: the last at 660 h from 0 h, 668 h from 8 h")
  func repeats() throws {
    let fromZero = try DoseFlag.parse("oral:NMN:500mg@0x56/12h")
    #expect(fromZero.repetition == Dose.Repetition(intervalHours: 12, end: .additionalDoses(55)))
    #expect(try Regimen(doses: [fromZero]).expanded(until: .infinity).last?.timeHours == 660)
    let fromEight = try DoseFlag.parse("oral:NMN:500mg@8hx56/12h")
    #expect(try Regimen(doses: [fromEight]).expanded(until: .infinity).last?.timeHours == 668)  // 8 + 55 × 12
    // Without @TIME the repeat follows the amount directly.
    #expect(try DoseFlag.parse("oral:NMN:500mgx2/1d").repetition == .doses(2, everyHours: 24))
    #expect(try DoseFlag.parse("iv:NAD:750mg@0x1/24h").repetition == Dose.Repetition(intervalHours: 24, end: .additionalDoses(0)))
  }

  @Test("duration= and rate= make infusions: 750 mg over 6 h = 125 mg/h; at 250 mg/h it takes 3 h")
  func infusions() throws {
    let overSix = try DoseFlag.parse("iv:NAD:750mg@0,duration=6h")
    #expect(overSix.infusion == .duration(hours: 6))
    #expect(overSix.infusionRate == DoseRate(perHour: .milligrams(125)))
    let byRate = try DoseFlag.parse("iv:NAD:750mg@0x7/24h,rate=250mg/h")
    #expect(byRate.infusion == .rate(DoseRate(perHour: .milligrams(250))))
    #expect(byRate.infusionHours == 3)
    #expect(byRate.repetition == .doses(7, everyHours: 24))
  }

  @Test("every=…,until=… repeats to an exclusive end; other keys are route parameters")
  func optionsAndRouteParameters() throws {
    let dose = try DoseFlag.parse("topical:NMN:40mg@0,every=24h,until=28d,concentration_ppm=4000,area_cm2=400")
    #expect(dose.repetition == Dose.Repetition(intervalHours: 24, end: .untilHours(672)))
    #expect(dose.routeParameters == ["concentration_ppm": 4000, "area_cm2": 400])
    #expect(try Regimen(doses: [dose]).expanded(until: .infinity).count == 28)
  }

  @Test("a dose's description is a --dose value that reads back to the same dose")
  func roundTrip() throws {
    for text in ["oral:NMN:500mg@8hx56/12h", "iv:NAD:750mg@0,duration=6h", "iv:NAD:2mmol@1.5h,rate=0.5mmol/h",
                 "topical:NMN:40mg@0,every=24h,until=28d,area_cm2=400,concentration_ppm=4000"] {
      let dose = try DoseFlag.parse(text)
      #expect(try DoseFlag.parse(dose.description) == dose, "\(text) → \(dose.description)")
    }
    #expect(try DoseFlag.parse("oral:NMN:0.5g@8hx56/12h").description == "oral:NMN:500mg@8hx56/12h")
  }

  @Test("several flags make one regimen in order")
  func regimen() throws {
    let regimen = try DoseFlag.regimen(["oral:NMN:500mg@0x2/12h", "iv:NAD:750mg,duration=6h"])
    #expect(regimen.routes == ["oral", "iv"])
  }

  /// The message of the error for a flag value, or nil if it parsed.
  func message(_ text: String) -> String? {
    do { _ = try DoseFlag.parse(text); return nil } catch { return error.description }
  }

  @Test("errors name the flag, its value and the part at fault", arguments: [
    ("", "--dose: '': empty; expected ROUTE:SUBSTANCE:AMOUNT[@TIME][xCOUNT/INTERVAL][,KEY=VALUE...], e.g. oral:NMN:500mg"),
    ("oral:500mg", "--dose: 'oral:500mg': expected 3 parts separated by ':' (ROUTE:SUBSTANCE:AMOUNT), found 2; e.g. oral:NMN:500mg"),
    ("oral:NMN:500:mg", "--dose: 'oral:NMN:500:mg': expected 3 parts separated by ':' (ROUTE:SUBSTANCE:AMOUNT), found 4; e.g. oral:NMN:500mg"),
    (":NMN:500mg", "--dose: ':NMN:500mg': route: empty; expected a route name from the model, e.g. oral"),
    ("oral::500mg", "--dose: 'oral::500mg': substance: empty; expected a substance name from the model"),
    ("oral:NMN:5parsecs", "--dose: 'oral:NMN:5parsecs': amount '5parsecs': unknown unit 'parsecs'; expected one of mg, g, µg, mmol, µmol, nmol"),
    ("oral:NMN:500", "--dose: 'oral:NMN:500': amount '500': missing unit; expected one of mg, g, µg, mmol, µmol, nmol"),
    ("oral:NMN:0mg", "--dose: 'oral:NMN:0mg': amount: 0 mg is not > 0; expected a positive finite amount"),
    ("oral:NMN:500mg@8", "--dose: 'oral:NMN:500mg@8': time '8': missing unit; expected one of s, min, h, d, w"),
    ("oral:NMN:500mg@1h@2h", "--dose: 'oral:NMN:500mg@1h@2h': more than one '@'; expected AMOUNT@TIME, e.g. 500mg@8h"),
    ("oral:NMN:500mg@0x56", "--dose: 'oral:NMN:500mg@0x56': repeat 'x56': expected xCOUNT/INTERVAL, e.g. x56/12h"),
    ("oral:NMN:500mg@0x0/12h", "--dose: 'oral:NMN:500mg@0x0/12h': count '0': expected a whole number of doses ≥ 1 (the first included)"),
    ("oral:NMN:500mg@0x2.5/12h", "--dose: 'oral:NMN:500mg@0x2.5/12h': count '2.5': expected a whole number of doses ≥ 1 (the first included)"),
    ("oral:NMN:500mg@0x56/0h", "--dose: 'oral:NMN:500mg@0x56/0h': interval: 0 h; expected an interval > 0 h"),
    ("oral:NMN:500mg@0x56/12", "--dose: 'oral:NMN:500mg@0x56/12': interval '12': missing unit; expected one of s, min, h, d, w"),
    ("oral:NMN:500mg,every=12h", "--dose: 'oral:NMN:500mg,every=12h': interval: needs 'count' (doses in all) or 'until' (end time, exclusive)"),
    ("oral:NMN:500mg,until=2d", "--dose: 'oral:NMN:500mg,until=2d': until: needs 'every' (the interval between doses)"),
    ("oral:NMN:500mg@0x56/12h,until=2d", "--dose: 'oral:NMN:500mg@0x56/12h,until=2d': until: a repetition ends by count or by until, not both"),
    ("oral:NMN:500mg@0x56/12h,count=3", "--dose: 'oral:NMN:500mg@0x56/12h,count=3': count: given twice; expected each field once"),
    ("oral:NMN:500mg@2d,every=1d,until=1d", "--dose: 'oral:NMN:500mg@2d,every=1d,until=1d': until: 24 h is not after the first dose at 48 h; expected a later end (doses are given before it)"),
    ("iv:NAD:750mg,duration=6h,rate=125mg/h", "--dose: 'iv:NAD:750mg,duration=6h,rate=125mg/h': rate: an infusion takes a duration or a rate, not both"),
    ("iv:NAD:750mg,rate=5umol/h", "--dose: 'iv:NAD:750mg,rate=5umol/h': rate: 5 µmol/h is an amount of substance per hour but the amount 750 mg is a mass; give both in mass units or both in mol units"),
    ("iv:NAD:750mg,duration=0h", "--dose: 'iv:NAD:750mg,duration=0h': duration: 0 h; expected an infusion duration > 0 h"),
    ("oral:NMN:500mg,foo", "--dose: 'oral:NMN:500mg,foo': option 'foo': expected KEY=VALUE after ',', e.g. duration=6h"),
    ("oral:NMN:500mg,", "--dose: 'oral:NMN:500mg,': option '': expected KEY=VALUE after ',', e.g. duration=6h"),
    ("oral:NMN:500mg,time=8h", "--dose: 'oral:NMN:500mg,time=8h': option 'time': give it in the main part ROUTE:SUBSTANCE:AMOUNT[@TIME][xCOUNT/INTERVAL][,KEY=VALUE...]"),
    ("topical:NMN:40mg,area_cm2=big", "--dose: 'topical:NMN:40mg,area_cm2=big': area_cm2 'big': expected a plain number (a route parameter; the name carries the unit)"),
  ])
  func errors(text: String, expected: String) {
    #expect(message(text) == expected)
  }

  @Test("the flag's name in errors can be changed")
  func flagName() {
    do {
      _ = try DoseFlag.parse("oral:NMN:5 parsecs", flag: "--extra-dose")
      Issue.record("parsed")
    } catch {
      #expect(error.location == SourceLocation(file: "--extra-dose"))
      #expect(error.name == "oral:NMN:5 parsecs")
    }
  }
}
