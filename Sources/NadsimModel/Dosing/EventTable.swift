import Foundation

/// A NONMEM-style event table (CSV): dose records for one or more subjects, one ``Regimen`` per ID.
///
///     ID,TIME,EVID,AMT,CMT,RATE,II,ADDL,SUBSTANCE
///     1,0,1,500,oral,0,12,55,NMN        # 56 oral doses of 500 mg NMN every 12 h
///     1,0,1,750,iv,125,0,0,NAD          # 750 mg NAD at 125 mg/h: a 6 h infusion
///     1,24,0,.,plasma,.,.,.,            # an observation: ignored here
///     2,8,1,250,oral,0,0,0,NMN
///
/// - Header: the first non-blank line (a leading `#` is allowed). Names are case-insensitive and
///   trimmed; columns in any order; extra columns (DV, MDV, …) are ignored. Required: `ID`,
///   `TIME`, `EVID`, `AMT`, `CMT`. Optional: `RATE`, `II`, `ADDL`, `SS`, `SUBSTANCE`, `AMT_UNIT`.
/// - Later lines starting with `#` and blank lines are skipped. Cells may be quoted (`"…"`, with
///   `""` for a quote). An empty cell or `.` is a missing value: 0 for RATE, II, ADDL and SS.
/// - `EVID`: 1 = dose; 0 (observation) and 2 (other event, e.g. an output time) are ignored here;
///   3 (reset) and 4 (reset and dose) are rejected: each ID is simulated once from its initial
///   state, so start a new ID instead.
/// - `TIME`: hours, ≥ 0. `AMT`: > 0, in mg unless the row's `AMT_UNIT` names another amount unit
///   (`µmol`, `umol`, `g`, `mmol`, …; empty means mg).
/// - `CMT`: the route, or a species to dose straight into; the model layer resolves the name.
///   `SUBSTANCE`: the substance given; when the column is absent or the cell empty, the CMT name
///   is used (a species dosed with itself).
/// - `RATE`: 0 = bolus; > 0 = infusion at RATE (AMT units per hour), lasting AMT/RATE hours;
///   −1 and −2 (rate or duration set by the model) are rejected.
/// - `II`, `ADDL`: ADDL additional doses, II hours apart (ADDL > 0 needs II > 0); II without ADDL
///   does nothing. `SS` ≠ 0 (steady state) is rejected.
/// - IDs keep their order of first appearance. An ID's rows must be together: an ID that comes
///   back after another ID is an error, as NONMEM would silently make it a new subject. An ID with
///   only observations gets an empty regimen.
///
/// Every error is a ``ModelError`` at the file, line and column of the cell at fault, named by the
/// column's header.
public struct EventTable: Equatable, Sendable {
  /// One subject's doses.
  public struct Subject: Equatable, Sendable {
    /// The ID as written (`1`, `A-07`).
    public var id: String
    public var regimen: Regimen

    public init(id: String, regimen: Regimen) {
      self.id = id
      self.regimen = regimen
    }
  }

  /// Subjects in order of first appearance.
  public var subjects: [Subject]

  public init(subjects: [Subject]) {
    self.subjects = subjects
  }

  /// The regimen of one ID, or nil if the table has no such ID.
  public func regimen(forID id: String) -> Regimen? {
    subjects.first { $0.id == id }?.regimen
  }

  static let requiredColumns = ["ID", "TIME", "EVID", "AMT", "CMT"]
  static let optionalColumns = ["RATE", "II", "ADDL", "SS", "SUBSTANCE", "AMT_UNIT"]

  /// Reads an event table from CSV text.
  /// - Parameters:
  ///   - text: the file's text.
  ///   - file: its name or path, for errors and each dose's origin.
  /// - Throws: ``ModelError`` naming file, line and column.
  public static func parse(_ text: String, file: String) throws(ModelError) -> EventTable {
    var text = Substring(text)
    if text.first == "\u{FEFF}" { text = text.dropFirst() }
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)

    // Header.
    var lineIndex = 0
    while lineIndex < lines.count, lines[lineIndex].allSatisfy(\.isWhitespace) { lineIndex += 1 }
    guard lineIndex < lines.count else {
      throw ModelError("empty; expected a header line such as ID,TIME,EVID,AMT,CMT,RATE,II,ADDL",
                       at: SourceLocation(file: file))
    }
    let headerLine = lineIndex + 1
    var headerText = lines[lineIndex]
    var headerOffset = 0
    if let first = headerText.firstIndex(where: { !$0.isWhitespace }), headerText[first] == "#" {
      headerOffset = headerText.distance(from: headerText.startIndex, to: first) + 1
      headerText = headerText[headerText.index(after: first)...]
    }
    let header = try cells(of: headerText, file: file, line: headerLine).map {
      Cell(text: $0.text, column: $0.column + headerOffset)
    }
    var columnIndex: [String: Int] = [:]
    for (i, cell) in header.enumerated() {
      let name = cell.text.uppercased()
      guard !name.isEmpty else {
        throw ModelError("empty column name; expected a name for every column",
                         at: SourceLocation(file: file, line: headerLine, column: cell.column))
      }
      if columnIndex[name] != nil {
        throw ModelError("column given twice; expected each column once",
                         at: SourceLocation(file: file, line: headerLine, column: cell.column), name: cell.text)
      }
      columnIndex[name] = i
    }
    for name in requiredColumns where columnIndex[name] == nil {
      throw ModelError("missing column; the header needs ID, TIME, EVID, AMT and CMT "
        + "(optional: RATE, II, ADDL, SS, SUBSTANCE, AMT_UNIT)",
        at: SourceLocation(file: file, line: headerLine), name: name)
    }

    // Rows.
    var subjects: [Subject] = []
    var finished: [String: Int] = [:]  // IDs already closed, with the line where each began
    var currentStart = 0
    for index in (lineIndex + 1)..<max(lineIndex + 1, lines.count) {
      let line = lines[index]
      let trimmed = line.drop(while: \.isWhitespace)
      if trimmed.isEmpty || trimmed.first == "#" { continue }
      let lineNumber = index + 1
      let row = Row(cells: try cells(of: line, file: file, line: lineNumber), header: header,
                    columnIndex: columnIndex, file: file, line: lineNumber)
      guard row.cells.count == header.count else {
        throw ModelError("\(row.cells.count) values but the header has \(header.count) columns; "
          + "expected one value per column ('.' or nothing for a missing value)",
          at: SourceLocation(file: file, line: lineNumber))
      }
      let idCell = try row.required("ID")
      let id = idCell.text
      if subjects.last?.id != id {
        if let began = finished[id] {
          throw ModelError("ID \(id) (first at line \(began)) comes back after another ID; "
            + "expected each ID's rows together", at: row.location("ID"), name: row.header("ID"))
        }
        if let last = subjects.last { finished[last.id] = currentStart }
        subjects.append(Subject(id: id, regimen: Regimen()))
        currentStart = lineNumber
      }
      if let dose = try row.dose() { subjects[subjects.count - 1].regimen.doses.append(dose) }
    }
    return EventTable(subjects: subjects)
  }

  /// Reads an event table from disk.
  /// - Throws: ``ModelError`` at the path when it cannot be read, else as ``parse(_:file:)``.
  public static func load(path: String) throws(ModelError) -> EventTable {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw ModelError("cannot read the event table: \(error.localizedDescription)", at: SourceLocation(file: path))
    }
    return try parse(text, file: path)
  }

  // MARK: - CSV

  struct Cell {
    /// Trimmed, unquoted.
    var text: String
    /// 1-based character column where the cell starts.
    var column: Int
  }

  /// Splits one CSV line into cells (RFC 4180 quoting within the line).
  static func cells(of line: Substring, file: String, line number: Int) throws(ModelError) -> [Cell] {
    var result: [Cell] = []
    var current = ""
    var start = 1
    var column = 0
    var quoted = false
    var wasQuoted = false
    var characters = line.makeIterator()
    var pending: Character? = nil
    while let c = pending ?? characters.next() {
      pending = nil
      column += 1
      if quoted {
        if c == "\"" {
          let next = characters.next()
          if next == "\"" {
            current.append("\"")
            column += 1
          } else {
            quoted = false
            pending = next
          }
        } else {
          current.append(c)
        }
      } else if c == "," {
        result.append(Cell(text: wasQuoted ? current : current.trimmingCharacters(in: .whitespaces), column: start))
        current = ""
        wasQuoted = false
        start = column + 1
      } else if c == "\"" && current.allSatisfy(\.isWhitespace) && !wasQuoted {
        current = ""
        quoted = true
        wasQuoted = true
      } else if wasQuoted {
        guard c.isWhitespace else {
          throw ModelError("text after a closing quote; expected ',' or the end of the line",
                           at: SourceLocation(file: file, line: number, column: column))
        }
      } else {
        current.append(c)
      }
    }
    if quoted {
      throw ModelError("unterminated quote; expected a closing '\"' on the same line",
                       at: SourceLocation(file: file, line: number, column: start))
    }
    result.append(Cell(text: wasQuoted ? current : current.trimmingCharacters(in: .whitespaces), column: start))
    return result
  }

  /// One data row, with the checks that name its cells.
  struct Row {
    var cells: [Cell]
    var header: [Cell]
    var columnIndex: [String: Int]
    var file: String
    var line: Int

    /// The column's name as written in the header.
    func header(_ column: String) -> String {
      columnIndex[column].map { header[$0].text } ?? column
    }

    func location(_ column: String) -> SourceLocation {
      SourceLocation(file: file, line: line, column: columnIndex[column].map { cells[$0].column } ?? 0)
    }

    func fail(_ column: String, _ message: String) -> ModelError {
      ModelError(message, at: location(column), name: header(column))
    }

    /// The cell, or nil when the column is absent or the value missing (empty or `.`).
    func value(_ column: String) -> Cell? {
      guard let i = columnIndex[column] else { return nil }
      let cell = cells[i]
      return cell.text.isEmpty || cell.text == "." ? nil : cell
    }

    func required(_ column: String) throws(ModelError) -> Cell {
      guard let cell = value(column) else { throw fail(column, "missing value; expected one on every row") }
      return cell
    }

    /// A finite number; `absent` when the value is missing (nil: required).
    func number(_ column: String, absent: Double? = nil) throws(ModelError) -> Double {
      guard let cell = value(column) else {
        if let absent { return absent }
        throw fail(column, "missing value; expected a number on a dose row (EVID 1)")
      }
      guard let x = Double(cell.text), x.isFinite else {
        throw fail(column, "'\(cell.text)': expected a number")
      }
      return x
    }

    /// A whole number (written `3` or `3.0`).
    func integer(_ column: String, absent: Int? = nil) throws(ModelError) -> Int {
      let x = try number(column, absent: absent.map(Double.init))
      guard x == x.rounded(), abs(x) < 1e9 else {
        throw fail(column, "'\(value(column)?.text ?? "")': expected a whole number")
      }
      return Int(x)
    }

    /// The dose of this row, or nil for a row that is not a dose.
    func dose() throws(ModelError) -> Dose? {
      let evid = try integer("EVID")
      switch evid {
      case 1: break
      case 0, 2: return nil
      case 3:
        throw fail("EVID", "EVID 3 (reset) is not supported: each ID is simulated once from its initial "
          + "state; expected 0, 1 or 2 (start a new ID instead of a reset)")
      case 4:
        throw fail("EVID", "EVID 4 (reset and dose) is not supported: each ID is simulated once from its "
          + "initial state; expected 0, 1 or 2 (start a new ID with an EVID 1 dose instead)")
      default:
        throw fail("EVID", "'\(evid)': expected 1 (dose), 0 (observation) or 2 (other event)")
      }

      let time = try number("TIME")
      guard time >= 0 else { throw fail("TIME", "\(DoseQuantity.format(time)): expected a time ≥ 0 h") }
      let amt = try number("AMT")
      guard amt > 0 else { throw fail("AMT", "\(DoseQuantity.format(amt)): expected an amount > 0 on a dose row") }
      let unit = value("AMT_UNIT")?.text ?? "mg"
      guard let scale = DoseQuantity.amountUnits[unit] else {
        throw fail("AMT_UNIT", "unknown unit '\(unit)'; expected one of \(DoseQuantity.amountUnitList)")
      }
      let amount = scale.apply(to: amt)
      let route = try required("CMT").text
      let substance = value("SUBSTANCE")?.text ?? route

      let ss = try number("SS", absent: 0)
      guard ss == 0 else {
        throw fail("SS", "steady-state dosing (SS = \(DoseQuantity.format(ss))) is not supported; "
          + "expected 0 (give the doses with II and ADDL instead)")
      }

      let rate = try number("RATE", absent: 0)
      var infusion: Dose.Infusion?
      if rate > 0 {
        infusion = .rate(DoseRate(perHour: scale.apply(to: rate)))
      } else if rate == -1 {
        throw fail("RATE", "RATE = -1 (rate set by the model) is not supported; expected 0 (bolus) or a rate > 0 "
          + "in AMT units per hour")
      } else if rate == -2 {
        throw fail("RATE", "RATE = -2 (duration set by the model) is not supported; expected 0 (bolus) or a rate "
          + "> 0 in AMT units per hour (AMT / duration)")
      } else if rate < 0 {
        throw fail("RATE", "\(DoseQuantity.format(rate)): expected 0 (bolus) or a rate > 0 in AMT units per hour")
      }

      let addl = try integer("ADDL", absent: 0)
      guard addl >= 0 else { throw fail("ADDL", "\(addl): expected a number of additional doses ≥ 0") }
      let ii = try number("II", absent: 0)
      guard ii >= 0 else { throw fail("II", "\(DoseQuantity.format(ii)): expected an interval ≥ 0 h") }
      var repetition: Dose.Repetition?
      if addl > 0 {
        guard ii > 0 else {
          throw fail("II", "ADDL = \(addl) needs an interval; expected II > 0 (hours between doses)")
        }
        repetition = Dose.Repetition(intervalHours: ii, end: .additionalDoses(addl))
      }

      do {
        return try Dose(route: route, substance: substance, amount: amount, timeHours: time, infusion: infusion,
                        repetition: repetition, origin: SourceLocation(file: file, line: line))
      } catch {
        // Only names that map to a column can fail here (the checks above catch the rest first).
        let columns = ["route": "CMT", "substance": "SUBSTANCE", "amount": "AMT", "time": "TIME", "rate": "RATE",
                       "every": "II", "count": "ADDL"]
        throw fail(columns[error.name ?? ""] ?? "CMT", error.message)
      }
    }
  }
}
