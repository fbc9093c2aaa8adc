/// The command line's `--dose` value: one ``Dose`` in one word.
///
/// Grammar (no spaces needed; spaces around numbers and units are allowed when quoted):
///
///     DOSE    = ROUTE ":" SUBSTANCE ":" AMOUNT [ "@" TIME ] [ "x" COUNT "/" INTERVAL ] { "," KEY "=" VALUE }
///     AMOUNT  = NUMBER UNIT        UNIT one of mg, g, µg (ug), mmol, µmol (umol), nmol
///     TIME, INTERVAL = NUMBER UNIT UNIT one of s, min, h, d, w; TIME may be a bare 0
///     COUNT   = doses in all, the first included (a whole number ≥ 1)
///     KEY     = duration | rate | every | count | until | a route parameter
///
/// - `TIME` is the first dose time (0 h when left out).
/// - `xCOUNT/INTERVAL` repeats: COUNT doses in all, INTERVAL apart. `x56/12h` from 0 h gives doses
///   at 0, 12, …, 660 h.
/// - Options after commas use the regimen file's keys (``RegimenFile``): `duration=6h` or
///   `rate=125mg/h` make an infusion; `every=24h,until=28d` repeats up to an exclusive end (the
///   alternative to `x`); any other key is a route parameter with a plain number
///   (`area_cm2=400`).
/// - ROUTE and SUBSTANCE are names from the model and cannot contain `:` or `,`.
///
/// Examples:
///
///     oral:NMN:500mg                          500 mg by mouth at 0 h
///     oral:NMN:500mg@8h                       once, at 8 h
///     oral:NMN:500mg@0x56/12h                 56 doses every 12 h: 0 … 660 h
///     iv:NAD:750mg@0,duration=6h              infusion of 750 mg over 6 h (125 mg/h)
///     iv:NAD:750mg@0x7/24h,rate=250mg/h       7 daily 3-hour infusions
///     topical:NMN:40mg@0,every=24h,until=28d,concentration_ppm=4000,area_cm2=400
///
/// Errors are ``ModelError``s at `--dose` whose name is the whole flag value and whose message
/// names the part at fault: `--dose: 'oral:NMN:5parsecs': amount '5parsecs': unknown unit
/// 'parsecs'; expected one of mg, g, µg, mmol, µmol, nmol`.
public enum DoseFlag {
  /// The grammar in one line, for help text.
  public static let grammar = "ROUTE:SUBSTANCE:AMOUNT[@TIME][xCOUNT/INTERVAL][,KEY=VALUE...]"

  /// Reads one `--dose` value.
  /// - Parameters:
  ///   - text: the value, e.g. `oral:NMN:500mg@0x56/12h`.
  ///   - flag: the flag's name, for errors; `--dose` by default.
  /// - Throws: ``ModelError`` naming the flag, its value and the part at fault.
  public static func parse(_ text: String, flag: String = "--dose") throws(ModelError) -> Dose {
    let place = SourceLocation(file: flag)
    func fail(_ message: String) -> ModelError { ModelError(message, at: place, name: text) }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { throw fail("empty; expected \(grammar), e.g. oral:NMN:500mg") }

    let pieces = trimmed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let head = pieces[0]
    let parts = head.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3 else {
      throw fail("expected 3 parts separated by ':' (ROUTE:SUBSTANCE:AMOUNT), found \(parts.count); "
        + "e.g. oral:NMN:500mg")
    }
    var fields = DoseFields(origin: place) { key, message, _ in
      let part = key == "every" ? "interval" : key
      return fail(message.hasPrefix("'") ? "\(part) \(message)" : "\(part): \(message)")
    }
    func add(_ key: String, _ value: String) { fields.fields.append(.init(key: key, text: value, location: place)) }
    add("route", parts[0])
    add("substance", parts[1])

    // AMOUNT[@TIME][xCOUNT/INTERVAL]: no amount or time unit contains 'x', '@' or '/'.
    var core = Substring(parts[2])
    if let x = core.firstIndex(of: "x") {
      let repeatText = core[core.index(after: x)...]
      guard let slash = repeatText.firstIndex(of: "/") else {
        throw fail("repeat 'x\(repeatText)': expected xCOUNT/INTERVAL, e.g. x56/12h")
      }
      add("count", String(repeatText[..<slash]))
      add("every", String(repeatText[repeatText.index(after: slash)...]))
      core = core[..<x]
    }
    let amountAndTime = core.split(separator: "@", omittingEmptySubsequences: false)
    guard amountAndTime.count <= 2 else { throw fail("more than one '@'; expected AMOUNT@TIME, e.g. 500mg@8h") }
    add("amount", String(amountAndTime[0]))
    if amountAndTime.count == 2 { add("time", String(amountAndTime[1])) }

    for option in pieces.dropFirst() {
      let keyValue = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = keyValue[0].trimmingCharacters(in: .whitespaces)
      guard keyValue.count == 2, !key.isEmpty else {
        throw fail("option '\(option)': expected KEY=VALUE after ',', e.g. duration=6h")
      }
      guard !["route", "substance", "amount", "time"].contains(key) else {
        throw fail("option '\(key)': give it in the main part \(grammar)")
      }
      add(key, String(keyValue[1]))
    }
    return try fields.dose()
  }

  /// Reads several `--dose` values into one regimen, in the order given.
  public static func regimen(_ texts: [String], flag: String = "--dose") throws(ModelError) -> Regimen {
    var doses: [Dose] = []
    for text in texts { doses.append(try parse(text, flag: flag)) }
    return Regimen(doses: doses)
  }
}
