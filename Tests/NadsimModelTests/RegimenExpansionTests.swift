import Testing
import NadsimModel

@Suite("Regimen expansion into time-ordered dose events")
struct RegimenExpansionTests {
  func times(_ events: [DoseEvent]) -> [Double] { events.map(\.timeHours) }

  @Test("56 doses every 12 h from 0 h: k × 12 h for k = 0…55, the last at 660 h exactly")
  func addlRepeats() throws {
    let dose = try Dose(route: "oral", substance: "NMN", amount: .milligrams(500),
                        repetition: .doses(56, everyHours: 12))
    #expect(dose.repetition?.end == .additionalDoses(55))
    let events = try Regimen(doses: [dose]).expanded(until: .infinity)
    #expect(events.count == 56)
    #expect(times(events) == (0..<56).map { 12 * Double($0) })
    #expect(events.last?.timeHours == 660)  // 55 × 12
    #expect(events.allSatisfy { $0.action == .bolus(.milligrams(500)) && $0.route == "oral" && $0.substance == "NMN" })
    #expect(events.map(\.occurrence) == Array(0..<56))
  }

  @Test("times are start + k × interval, not a running sum: the 11th of every 0.1 h is at 1.0 h")
  func noDrift() throws {
    let dose = try Dose(route: "iv", substance: "NAD", amount: .milligrams(1),
                        repetition: .doses(11, everyHours: 0.1))
    let events = try Regimen(doses: [dose]).expanded(until: .infinity)
    // 10 × 0.1 rounds to exactly 1.0; ten additions of 0.1 give 0.9999999999999999.
    var runningSum = 0.0
    for _ in 0..<10 { runningSum += 0.1 }
    #expect(runningSum != 1.0)
    #expect(events.last?.timeHours == 1.0)
    #expect(times(events) == (0...10).map { 0.1 * Double($0) })
  }

  @Test("until is exclusive: every 24 h from 0 until 28 d is 28 doses, the last at 648 h")
  func untilExclusive() throws {
    let daily = try Dose(route: "topical", substance: "NMN", amount: .milligrams(40),
                         repetition: Dose.Repetition(intervalHours: 24, end: .untilHours(672)))
    let events = try Regimen(doses: [daily]).expanded(until: .infinity)
    #expect(events.count == 28)
    #expect(events.last?.timeHours == 648)  // 27 × 24; 672 h itself is excluded
    // From 8 h every 12 h: until 20 h gives only 8 h; until 21 h gives 8 h and 20 h.
    let at20 = try Dose(route: "oral", substance: "NMN", amount: .milligrams(1), timeHours: 8,
                        repetition: Dose.Repetition(intervalHours: 12, end: .untilHours(20)))
    let at21 = try Dose(route: "oral", substance: "NMN", amount: .milligrams(1), timeHours: 8,
                        repetition: Dose.Repetition(intervalHours: 12, end: .untilHours(21)))
    #expect(times(try Regimen(doses: [at20]).expanded(until: .infinity)) == [8])
    #expect(times(try Regimen(doses: [at21]).expanded(until: .infinity)) == [8, 20])
    // 3 × 0.1 = 0.30000000000000004 counts as at the end 0.3 h, so it is not given.
    let tenths = try Dose(route: "oral", substance: "NMN", amount: .milligrams(1),
                          repetition: Dose.Repetition(intervalHours: 0.1, end: .untilHours(0.3)))
    #expect(times(try Regimen(doses: [tenths]).expanded(until: .infinity)) == [0, 0.1, 0.2])
  }

  @Test("the horizon is inclusive: a dose at the horizon is kept, one after it is not")
  func horizonInclusive() throws {
    let dose = try Dose(route: "oral", substance: "NMN", amount: .milligrams(500),
                        repetition: .doses(56, everyHours: 12))
    let regimen = Regimen(doses: [dose])
    #expect(try regimen.expanded(until: 660).count == 56)
    #expect(try regimen.expanded(until: 659.5).count == 55)
    #expect(try regimen.expanded(until: 0).count == 1)
    #expect(try regimen.expanded(until: -1).isEmpty)
    // 3 × 0.1 h is within 1e-12 of a 0.3 h horizon, so the fourth dose is kept.
    let tenths = try Dose(route: "oral", substance: "NMN", amount: .milligrams(1),
                          repetition: .doses(10, everyHours: 0.1))
    #expect(try Regimen(doses: [tenths]).expanded(until: 0.3).count == 4)
  }

  @Test("750 mg over 6 h is 125 mg/h: a start at 0 h and a stop at 6 h")
  func infusionFromDuration() throws {
    let dose = try Dose(route: "iv", substance: "NAD", amount: .milligrams(750), infusion: .duration(hours: 6))
    #expect(dose.infusionRate == DoseRate(perHour: .milligrams(125)))
    #expect(dose.infusionHours == 6)
    let events = try Regimen(doses: [dose]).expanded(until: 24)
    let rate = DoseRate(perHour: .milligrams(125))
    #expect(events == [
      DoseEvent(timeHours: 0, route: "iv", substance: "NAD", action: .infusionStart(rate: rate, endHours: 6),
                doseIndex: 0, occurrence: 0),
      DoseEvent(timeHours: 6, route: "iv", substance: "NAD", action: .infusionStop(rate: rate, startHours: 0),
                doseIndex: 0, occurrence: 0),
    ])
  }

  @Test("750 mg at 250 mg/h lasts 3 h; the stop is kept when it falls after the horizon")
  func infusionFromRate() throws {
    let dose = try Dose(route: "iv", substance: "NAD", amount: .milligrams(750), timeHours: 1,
                        infusion: .rate(DoseRate(perHour: .milligrams(250))))
    #expect(dose.infusionHours == 3)
    let events = try Regimen(doses: [dose]).expanded(until: 2)
    #expect(times(events) == [1, 4])
    #expect(events.map(\.action.isStart) == [true, false])
  }

  @Test("at equal times: stops, then boluses, then starts; then by dose index")
  func equalTimes() throws {
    let rate = DoseRate(perHour: .milligrams(100))
    let regimen = Regimen(doses: [
      try Dose(route: "iv", substance: "NAD", amount: .milligrams(600), infusion: .duration(hours: 6)),  // 0
      try Dose(route: "oral", substance: "NMN", amount: .milligrams(500), timeHours: 6),  // 1
      try Dose(route: "iv", substance: "NAD", amount: .milligrams(600), timeHours: 6,
               infusion: .rate(rate)),  // 2
      try Dose(route: "topical", substance: "NR", amount: .milligrams(40), timeHours: 6),  // 3
    ])
    let events = try regimen.expanded(until: 24)
    #expect(events.map { "\($0.doseIndex)\($0.action.letter)@\(Int($0.timeHours))" }
      == ["0S@0", "0E@6", "1B@6", "3B@6", "2S@6", "2E@12"])
    // The same regimen always expands the same way.
    #expect(try regimen.expanded(until: 24) == events)
  }

  @Test("the lag hook shifts each route's events, is asked once per route and is checked")
  func lagHook() throws {
    let regimen = Regimen(doses: [
      try Dose(route: "oral", substance: "NMN", amount: .milligrams(500), repetition: .doses(3, everyHours: 12)),
      try Dose(route: "iv", substance: "NAD", amount: .milligrams(750), infusion: .duration(hours: 6)),
      try Dose(route: "oral", substance: "NR", amount: .milligrams(300), timeHours: 2),
    ])
    var asked: [String] = []
    let events = try regimen.expanded(until: 24) { route in
      asked.append(route)
      return route == "oral" ? 0.5 : 0
    }
    #expect(asked == ["oral", "iv"])
    // Oral at 0.5, 12.5 (24.5 is past the horizon) and 2.5; the infusion unshifted 0–6 h.
    #expect(events.map { "\($0.substance)@\($0.timeHours)" }
      == ["NAD@0.0", "NMN@0.5", "NR@2.5", "NAD@6.0", "NMN@12.5"])
    #expect(throws: ModelError.self) { try regimen.expanded(until: 24) { _ in -1 } }
    do {
      _ = try regimen.expanded(until: 24) { _ in .nan }
      Issue.record("a NaN lag was accepted")
    } catch {
      #expect(error.name == "oral")
    }
  }

  @Test("overlapping infusions of one route are kept apart (their rates add up downstream)")
  func overlap() throws {
    let dose = try Dose(route: "iv", substance: "NAD", amount: .milligrams(800), infusion: .duration(hours: 8),
                        repetition: .doses(2, everyHours: 4))
    let events = try Regimen(doses: [dose]).expanded(until: .infinity)
    #expect(events.map { "\($0.action.letter)\($0.occurrence)@\(Int($0.timeHours))" }
      == ["S0@0", "S1@4", "E0@8", "E1@12"])
  }

  @Test("a dose checks its fields and names the one at fault")
  func doseValidation() {
    func field(_ make: () throws(ModelError) -> Dose) -> String? {
      do { _ = try make(); return nil } catch { return error.name }
    }
    #expect(field { () throws(ModelError) in try Dose(route: "", substance: "NMN", amount: .milligrams(1)) } == "route")
    #expect(field { () throws(ModelError) in try Dose(route: "oral", substance: "NMN", amount: .milligrams(0)) } == "amount")
    #expect(field { () throws(ModelError) in
      try Dose(route: "oral", substance: "NMN", amount: .milligrams(1), timeHours: -1)
    } == "time")
    #expect(field { () throws(ModelError) in
      try Dose(route: "iv", substance: "NAD", amount: .milligrams(1), infusion: .rate(DoseRate(perHour: .micromoles(5))))
    } == "rate")
    #expect(field { () throws(ModelError) in
      try Dose(route: "iv", substance: "NAD", amount: .milligrams(1), infusion: .duration(hours: 0))
    } == "duration")
    #expect(field { () throws(ModelError) in
      try Dose(route: "oral", substance: "NMN", amount: .milligrams(1), timeHours: 8,
               repetition: Dose.Repetition(intervalHours: 12, end: .untilHours(8)))
    } == "until")
    #expect(field { () throws(ModelError) in
      try Dose(route: "oral", substance: "NMN", amount: .milligrams(1), repetition: .doses(3, everyHours: 0))
    } == "every")
    #expect(field { () throws(ModelError) in
      try Dose(route: "oral", substance: "NMN", amount: .milligrams(1), repetition: .doses(0, everyHours: 12))
    } == "count")
    #expect(field { () throws(ModelError) in
      try Dose(route: "topical", substance: "NMN", amount: .milligrams(1), routeParameters: ["every": 2])
    } == "every")
    #expect(field { () throws(ModelError) in
      try Dose(route: "topical", substance: "NMN", amount: .milligrams(1), routeParameters: ["area_cm2": .infinity])
    } == "area_cm2")
  }

  @Test("routes and substances are listed once each, in order of first use")
  func names() throws {
    let regimen = Regimen(doses: [
      try Dose(route: "oral", substance: "NMN", amount: .milligrams(1)),
      try Dose(route: "iv", substance: "NAD", amount: .milligrams(1)),
      try Dose(route: "oral", substance: "NR", amount: .milligrams(1)),
    ])
    #expect(regimen.routes == ["oral", "iv"])
    #expect(regimen.substances == ["NMN", "NAD", "NR"])
  }
}

extension DoseEvent.Action {
  var isStart: Bool { if case .infusionStart = self { return true } else { return false } }
  /// B bolus, S infusion start, E infusion end.
  var letter: String {
    switch self {
    case .bolus: return "B"
    case .infusionStart: return "S"
    case .infusionStop: return "E"
    }
  }
}
