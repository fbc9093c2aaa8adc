import Foundation
import Testing
import NadsimModel

@Suite("NONMEM-style event tables (CSV)")
struct EventTableTests {
  static let table = """
    ID,TIME,EVID,AMT,CMT,RATE,II,ADDL,SUBSTANCE
    1,0,1,500,oral,0,12,55,NMN
    1,0,1,750,iv,125,0,0,NAD
    1,24,0,.,plasma,.,.,.,
    2,8,1,250,oral,0,0,0,NMN
    3,0,0,.,plasma,.,.,.,
    """

  @Test("several IDs, each its own regimen; an ID with only observations has an empty one")
  func subjects() throws {
    let table = try EventTable.parse(Self.table, file: "t.csv")
    #expect(table.subjects.map(\.id) == ["1", "2", "3"])
    #expect(table.regimen(forID: "1")?.doses.count == 2)
    #expect(table.regimen(forID: "3") == Regimen())
    #expect(table.regimen(forID: "4") == nil)
    let two = try #require(table.regimen(forID: "2")?.doses.first)
    #expect(two.route == "oral" && two.substance == "NMN" && two.amount == .milligrams(250) && two.timeHours == 8)
    #expect(two.repetition == nil && two.infusion == nil)
    #expect(two.origin == SourceLocation(file: "t.csv", line: 5))
  }

  @Test("ADDL 55 with II 12 is 56 doses, the last at 660 h; RATE 125 with AMT 750 is a 6 h infusion")
  func addlAndRate() throws {
    let one = try #require(try EventTable.parse(Self.table, file: "t.csv").regimen(forID: "1"))
    #expect(one.doses[0].repetition == Dose.Repetition(intervalHours: 12, end: .additionalDoses(55)))
    #expect(one.doses[1].infusion == .rate(DoseRate(perHour: .milligrams(125))))
    #expect(one.doses[1].infusionHours == 6)  // 750 ÷ 125
    let events = try one.expanded(until: .infinity)
    let oral = events.filter { $0.route == "oral" }
    #expect(oral.count == 56 && oral.last?.timeHours == 660)  // 55 × 12
    #expect(events.filter { $0.route == "iv" }.map(\.timeHours) == [0, 6])
    #expect(one.doses.map(\.origin.line) == [2, 3])
  }

  @Test("header case, order, a leading '#', extra columns, quotes, AMT_UNIT and no SUBSTANCE column")
  func flexibleHeader() throws {
    let text = """
      # id , time, amt, cmt, evid, DV, amt_unit
      1, 0, 100, NAD_liver, 1, ., umol

      # a comment line
      1, 1, 2, "NAD_liver", 1, ., mmol
      1, 2, 500, NAD_liver, 1, 3.2,
      1, 3, 500, NAD_liver, 1.0, 3.2, g
      """
    let doses = try #require(try EventTable.parse(text, file: "t.csv").regimen(forID: "1")).doses
    #expect(doses.map(\.amount) == [.micromoles(100), .micromoles(2000), .milligrams(500), .milligrams(500_000)])
    #expect(doses.allSatisfy { $0.route == "NAD_liver" && $0.substance == "NAD_liver" && $0.infusion == nil })
    #expect(doses.map(\.timeHours) == [0, 1, 2, 3])
    #expect(doses.map(\.origin.line) == [2, 5, 6, 7])
  }

  @Test("RATE in AMT_UNIT per hour: 2 mmol at 0.5 mmol/h lasts 4 h; CRLF line ends")
  func rateUnits() throws {
    let text = "ID,TIME,EVID,AMT,CMT,RATE,AMT_UNIT,SUBSTANCE\r\n7,1,1,2,iv,0.5,mmol,NAD\r\n"
    let dose = try #require(try EventTable.parse(text, file: "t.csv").regimen(forID: "7")?.doses.first)
    #expect(dose.amount == .micromoles(2000))
    #expect(dose.infusion == .rate(DoseRate(perHour: .micromoles(500))))
    #expect(dose.infusionHours == 4)
  }

  func error(_ text: String) -> ModelError? {
    do { _ = try EventTable.parse(text, file: "t.csv"); return nil } catch { return error }
  }

  @Test("a missing column is named at the header line")
  func missingColumn() {
    #expect(error("ID,TIME,EVID,CMT\n1,0,1,oral\n")?.description
      == "t.csv:1: 'AMT': missing column; the header needs ID, TIME, EVID, AMT and CMT "
      + "(optional: RATE, II, ADDL, SS, SUBSTANCE, AMT_UNIT)")
    #expect(error("")?.message.hasPrefix("empty; expected a header line") == true)
  }

  @Test("EVID 4 (reset and dose) is rejected at its line and column")
  func evid4() {
    // Line 3 is "1,24,4,500,oral": "1,24," is 5 characters, so EVID starts in column 6.
    let e = error("ID,TIME,EVID,AMT,CMT\n1,0,1,500,oral\n1,24,4,500,oral\n")
    #expect(e?.location == SourceLocation(file: "t.csv", line: 3, column: 6))
    #expect(e?.name == "EVID")
    #expect(e?.message.hasPrefix("EVID 4 (reset and dose) is not supported") == true)
  }

  @Test("each kind of row error names line, column and header", arguments: [
    // (text, line, column, header as written, start of message)
    ("ID,TIME,EVID,AMT,CMT\n1,0,3,500,oral\n", 2, 5, "EVID", "EVID 3 (reset) is not supported"),
    ("ID,TIME,evid,AMT,CMT\n1,0,7,500,oral\n", 2, 5, "evid", "'7': expected 1 (dose), 0 (observation) or 2"),
    ("ID,TIME,EVID,AMT,CMT\n1,0,x,500,oral\n", 2, 5, "EVID", "'x': expected a number"),
    ("ID,TIME,EVID,AMT,CMT,RATE\n1,0,1,750,iv,-2\n", 2, 14, "RATE", "RATE = -2 (duration set by the model) is not supported"),
    ("ID,TIME,EVID,AMT,CMT,RATE\n1,0,1,750,iv,-1\n", 2, 14, "RATE", "RATE = -1 (rate set by the model) is not supported"),
    ("ID,TIME,EVID,AMT,CMT,RATE\n1,0,1,750,iv,-3\n", 2, 14, "RATE", "-3: expected 0 (bolus) or a rate > 0"),
    ("ID,TIME,EVID,AMT,CMT,RATE,II,ADDL\n1,0,1,500,oral,0,0,3\n", 2, 18, "II", "ADDL = 3 needs an interval"),
    ("ID,TIME,EVID,AMT,CMT,II,ADDL\n1,0,1,500,oral,12,-1\n", 2, 19, "ADDL", "-1: expected a number of additional doses"),
    ("ID,TIME,EVID,AMT,CMT,II,ADDL\n1,0,1,500,oral,12,2.5\n", 2, 19, "ADDL", "'2.5': expected a whole number"),
    ("ID,TIME,EVID,AMT,CMT\n1,.,1,500,oral\n", 2, 3, "TIME", "missing value; expected a number on a dose row"),
    ("ID,TIME,EVID,AMT,CMT\n1,-1,1,500,oral\n", 2, 3, "TIME", "-1: expected a time ≥ 0 h"),
    ("ID,TIME,EVID,AMT,CMT\n1,0,1,0,oral\n", 2, 7, "AMT", "0: expected an amount > 0 on a dose row"),
    ("ID,TIME,EVID,AMT,CMT\n1,0,1,500,\n", 2, 11, "CMT", "missing value"),
    ("ID,TIME,EVID,AMT,CMT,AMT_UNIT\n1,0,1,500,oral,parsecs\n", 2, 16, "AMT_UNIT", "unknown unit 'parsecs'"),
    ("ID,TIME,EVID,AMT,CMT,SS\n1,0,1,500,oral,1\n", 2, 16, "SS", "steady-state dosing (SS = 1) is not supported"),
    ("ID,TIME,EVID,AMT,CMT\n1,0,1,500,oral\n2,0,1,500,oral\n1,12,1,500,oral\n", 4, 1, "ID",
     "ID 1 (first at line 2) comes back after another ID"),
    ("ID,TIME,EVID,AMT,CMT\n.,0,1,500,oral\n", 2, 1, "ID", "missing value"),
    ("ID,TIME,EVID,AMT,CMT,time\n", 1, 22, "time", "column given twice"),
  ] as [(String, Int, Int, String, String)])
  func rowErrors(text: String, line: Int, column: Int, header: String, message: String) {
    let e = error(text)
    #expect(e?.location == SourceLocation(file: "t.csv", line: line, column: column))
    #expect(e?.name == header)
    #expect(e?.message.hasPrefix(message) == true, "\(e?.description ?? "no error")")
  }

  @Test("rows with the wrong number of values and broken quotes name their line")
  func shape() {
    #expect(error("ID,TIME,EVID,AMT,CMT\n1,0,1,500\n")?.description
      == "t.csv:2: 4 values but the header has 5 columns; expected one value per column ('.' or nothing for a missing value)")
    let unterminated = error("ID,TIME,EVID,AMT,CMT\n1,0,1,500,\"oral\n")
    #expect(unterminated?.location == SourceLocation(file: "t.csv", line: 2, column: 11))
    #expect(unterminated?.message.hasPrefix("unterminated quote") == true)
  }

  @Test("load reads a file and names an unreadable path")
  func load() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("nadsim-events-\(getpid()).csv").path
    try Self.table.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try EventTable.load(path: path).subjects.count == 3)
    #expect(throws: ModelError.self) { try EventTable.load(path: "/nonexistent/events.csv") }
  }
}
