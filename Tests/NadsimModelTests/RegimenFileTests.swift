import Foundation
import Testing
import NadsimModel

@Suite("Regimen files (YAML)")
struct RegimenFileTests {
  static let example = """
    doses:
      - {route: oral, substance: NMN, amount: 500 mg, time: 8 h, every: 12 h, count: 56}
      - {route: iv, substance: NAD, amount: 750 mg, time: 0 h, duration: 6 h}
      - {route: topical, substance: NMN, amount: 40 mg, time: 0 h, every: 24 h, until: 28 d, concentration_ppm: 4000, area_cm2: 400}
    """

  @Test("the example file: three routes, two substances, every field read")
  func example() throws {
    let regimen = try RegimenFile.parse(Self.example, file: "r.yaml")
    #expect(regimen.doses.count == 3)
    let (oral, iv, topical) = (regimen.doses[0], regimen.doses[1], regimen.doses[2])
    #expect(oral.route == "oral" && oral.substance == "NMN" && oral.amount == .milligrams(500))
    #expect(oral.timeHours == 8)
    #expect(oral.repetition == Dose.Repetition(intervalHours: 12, end: .additionalDoses(55)))
    #expect(iv.infusion == .duration(hours: 6))
    #expect(iv.infusionRate == DoseRate(perHour: .milligrams(125)))
    #expect(topical.repetition == Dose.Repetition(intervalHours: 24, end: .untilHours(672)))
    #expect(topical.routeParameters == ["concentration_ppm": 4000, "area_cm2": 400])
    // Each dose remembers its line; the flow mapping starts at its '{' in column 5.
    #expect(regimen.doses.map(\.origin) == [2, 3, 4].map { SourceLocation(file: "r.yaml", line: $0, column: 5) })
    #expect(regimen.routes == ["oral", "iv", "topical"])
    #expect(regimen.substances == ["NMN", "NAD"])
  }

  @Test("expanded: 56 oral doses from 8 h to 668 h, one 6 h infusion, 28 daily topical doses to 648 h")
  func exampleExpanded() throws {
    let events = try RegimenFile.parse(Self.example, file: "r.yaml").expanded(until: .infinity)
    let oral = events.filter { $0.route == "oral" }
    #expect(oral.count == 56)
    #expect(oral.first?.timeHours == 8 && oral.last?.timeHours == 668)  // 8 + 55 × 12
    #expect(events.filter { $0.route == "iv" }.map(\.timeHours) == [0, 6])
    let topical = events.filter { $0.route == "topical" }
    #expect(topical.count == 28)
    #expect(topical.last?.timeHours == 648)  // 27 × 24: 28 d = 672 h is excluded
    #expect(events.count == 56 + 2 + 28)
    #expect(zip(events, events.dropFirst()).allSatisfy { $0.timeHours <= $1.timeHours })
  }

  @Test("block mappings, a description, defaults (time 0 h), rates and µmol amounts")
  func blockStyle() throws {
    let yaml = """
      description: one infusion and a single oral dose
      doses:
        - route: iv
          substance: NAD
          amount: 2 mmol
          rate: 500 µmol/h
        - route: oral
          substance: NR
          amount: 300 mg
      """
    let regimen = try RegimenFile.parse(yaml, file: "b.yaml")
    #expect(regimen.doses[0].amount == .micromoles(2000))
    #expect(regimen.doses[0].infusionHours == 4)  // 2000 µmol ÷ 500 µmol/h
    #expect(regimen.doses[0].timeHours == 0)
    #expect(regimen.doses[1].origin == SourceLocation(file: "b.yaml", line: 7, column: 5))
    #expect(try RegimenFile.parse("doses: []", file: "e.yaml") == Regimen())
  }

  /// The error of a regimen text, or nil if it parsed.
  func error(_ yaml: String) -> ModelError? {
    do { _ = try RegimenFile.parse(yaml, file: "r.yaml"); return nil } catch { return error }
  }

  @Test("a bad amount names file, line, column and key")
  func badUnit() {
    let yaml = """
      doses:
        - {route: oral, substance: NMN, amount: 500 mg, every: 12 h, count: 2}
        - {route: oral, substance: NMN, amount: 5 parsecs}
      """
    // Line 3: "  - {" (5) + "route: oral, " (13) + "substance: NMN, " (16) + "amount: " (8) is 42
    // characters, so the value starts in column 43.
    #expect(error(yaml)?.description
      == "r.yaml:3:43: 'amount': '5 parsecs': unknown unit 'parsecs'; expected one of mg, g, µg, mmol, µmol, nmol")
  }

  @Test("each kind of field error points at its line and names its key", arguments: [
    // (yaml, line, key, start of message)
    ("doses:\n  - {route: oral, substance: NMN}\n", 2, "amount", "missing; expected an amount"),
    ("doses:\n  - {route: oral, substance: NMN, amount: 1 mg,\n     count: 3}\n", 3, "count", "needs 'every'"),
    ("doses:\n  - {route: oral, substance: NMN, amount: 1 mg, every: 1 d}\n", 2, "every", "needs 'count'"),
    ("doses:\n  - route: oral\n    substance: NMN\n    amount: 1 mg\n    every: 1 d\n    count: 2\n    until: 3 d\n",
     7, "until", "a repetition ends by count or by until"),
    ("doses:\n  - route: oral\n    substance: NMN\n    amount: 1 mg\n    every: 1 d\n    count: 0\n", 6, "count",
     "'0': expected a whole number of doses ≥ 1"),
    ("doses:\n  - route: oral\n    substance: NMN\n    amount: 1 mg\n    time: 8\n", 5, "time", "'8': missing unit"),
    ("doses:\n  - route: oral\n    substance: NMN\n    amount: 1 mg\n    time: 2 d\n    every: 1 d\n    until: 1 d\n",
     7, "until", "24 h is not after the first dose at 48 h"),
    ("doses:\n  - route: iv\n    substance: NAD\n    amount: 1 mg\n    rate: 1 umol/h\n", 5, "rate",
     "1 µmol/h is an amount of substance per hour but the amount 1 mg is a mass"),
    ("doses:\n  - route: topical\n    substance: NMN\n    amount: 1 mg\n    area_cm2: 20 cm2\n", 5, "area_cm2",
     "'20 cm2': expected a plain number"),
    ("doses:\n  - route: oral\n    substance: NMN\n    amount: [1, 2]\n", 4, "amount", "expected a single value, found a list"),
    ("doses:\n  - route: oral\n    substance: NMN\n    amount: 1 mg\n  - oral\n", 5, "doses", "expected a dose"),
    ("doses: {route: oral}\n", 1, "doses", "expected a list of doses"),
    ("dose:\n  - {route: oral, substance: NMN, amount: 1 mg}\n", 1, "dose", "unknown key; expected 'doses'"),
    ("description: nothing\n", 1, "doses", "missing; expected a list of doses"),
  ] as [(String, Int, String, String)])
  func fieldErrors(yaml: String, line: Int, key: String, message: String) {
    let e = error(yaml)
    #expect(e?.location.file == "r.yaml")
    #expect(e?.location.line == line)
    #expect(e?.name == key)
    #expect(e?.message.hasPrefix(message) == true, "\(e?.description ?? "no error")")
  }

  @Test("YAML syntax errors, duplicate keys and an empty file keep their line")
  func syntax() {
    let unclosed = error("doses:\n  - {route: oral, substance: NMN\n  - {route: iv}\n")
    #expect(unclosed?.message.hasPrefix("not valid YAML") == true)
    #expect((unclosed?.location.line ?? 0) >= 2)
    let twice = error("doses:\n  - route: oral\n    route: iv\n    substance: NMN\n    amount: 1 mg\n")
    #expect(twice?.name == "route")
    #expect(twice?.location.line == 2 || twice?.location.line == 3)
    #expect(error("")?.message.hasPrefix("empty file") == true)
    #expect(error("- 1\n- 2\n")?.message.hasPrefix("expected a mapping with 'doses:'") == true)
  }

  @Test("load reads a file and names an unreadable path")
  func load() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("nadsim-regimen-\(getpid()).yaml").path
    try Self.example.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try RegimenFile.load(path: path).doses.count == 3)
    #expect(try RegimenFile.load(path: path).doses[0].origin.file == path)
    do {
      _ = try RegimenFile.load(path: "/nonexistent/regimen.yaml")
      Issue.record("loaded a missing file")
    } catch {
      #expect(error.location == SourceLocation(file: "/nonexistent/regimen.yaml"))
      #expect(error.message.hasPrefix("cannot read the regimen file"))
    }
  }
}
