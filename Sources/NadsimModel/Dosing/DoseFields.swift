/// The fields of one dose as written (key, text, place), turned into a ``Dose``. Regimen files and
/// `--dose` flags share it, so the same keys mean the same thing in both and errors read alike.
///
/// Keys: `route`, `substance`, `amount` (required); `time` (default 0 h); `every` with `count`
/// (doses in all, the first included) or `until` (exclusive end); `duration` or `rate` for an
/// infusion. Any other key is a route parameter whose value is a plain number.
struct DoseFields {
  struct Field {
    var key: String
    var text: String
    var location: SourceLocation
  }

  /// The keys with a meaning of their own; the rest are route parameters.
  static let knownKeys = ["route", "substance", "amount", "time", "every", "count", "until", "duration", "rate"]

  var fields: [Field] = []
  /// Where the dose as a whole was written (the mapping in a file, `--dose` for a flag).
  var origin: SourceLocation
  /// Makes the error for a field (key, message, the field's place or nil when the field is missing).
  var error: (String, String, SourceLocation?) -> ModelError

  func dose() throws(ModelError) -> Dose {
    var byKey: [String: Field] = [:]
    for field in fields {
      if byKey[field.key] != nil {
        throw error(field.key, "given twice; expected each field once", field.location)
      }
      byKey[field.key] = field
    }
    func required(_ key: String, _ what: String) throws(ModelError) -> Field {
      guard let field = byKey[key] else { throw error(key, "missing; expected \(what)", nil) }
      return field
    }
    func name(_ key: String, _ what: String) throws(ModelError) -> String {
      let field = try required(key, what)
      let text = field.text.trimmingCharacters(in: .whitespaces)
      guard !text.isEmpty else { throw error(key, "empty; expected \(what)", field.location) }
      return text
    }
    func hours(_ field: Field) throws(ModelError) -> Double {
      do { return try DoseQuantity.hours(parsing: field.text) } catch {
        throw self.error(field.key, error.description, field.location)
      }
    }

    let route = try name("route", "a route name from the model, e.g. oral")
    let substance = try name("substance", "a substance name from the model")
    let amountField = try required("amount", "an amount with a unit (\(DoseQuantity.amountUnitList)), e.g. 500 mg")
    let amount: DoseAmount
    do { amount = try DoseAmount(parsing: amountField.text) } catch {
      throw self.error("amount", error.description, amountField.location)
    }
    let time = try byKey["time"].map { (f) throws(ModelError) in try hours(f) } ?? 0

    var infusion: Dose.Infusion?
    switch (byKey["duration"], byKey["rate"]) {
    case (.some, let r?):
      throw error("rate", "an infusion takes a duration or a rate, not both", r.location)
    case (let d?, nil):
      infusion = .duration(hours: try hours(d))
    case (nil, let r?):
      do { infusion = .rate(try DoseRate(parsing: r.text)) } catch {
        throw self.error("rate", error.description, r.location)
      }
    case (nil, nil): break
    }

    var repetition: Dose.Repetition?
    switch (byKey["every"], byKey["count"], byKey["until"]) {
    case (nil, nil, nil): break
    case (_, .some, let u?):
      throw error("until", "a repetition ends by count or by until, not both", u.location)
    case (nil, let c?, nil):
      throw error("count", "needs 'every' (the interval between doses)", c.location)
    case (nil, nil, let u?):
      throw error("until", "needs 'every' (the interval between doses)", u.location)
    case (let e?, nil, nil):
      throw error("every", "needs 'count' (doses in all) or 'until' (end time, exclusive)", e.location)
    case (let e?, let c?, nil):
      let text = c.text.trimmingCharacters(in: .whitespaces)
      guard let count = Int(text), count >= 1 else {
        throw error("count", "'\(text)': expected a whole number of doses ≥ 1 (the first included)", c.location)
      }
      repetition = .doses(count, everyHours: try hours(e))
    case (let e?, nil, let u?):
      repetition = Dose.Repetition(intervalHours: try hours(e), end: .untilHours(try hours(u)))
    }

    var parameters: [String: Double] = [:]
    for field in fields where !Self.knownKeys.contains(field.key) {
      let text = field.text.trimmingCharacters(in: .whitespaces)
      guard let value = Double(text), value.isFinite else {
        throw error(field.key, "'\(text)': expected a plain number (a route parameter; the name carries the unit)",
                    field.location)
      }
      parameters[field.key] = value
    }

    do {
      return try Dose(route: route, substance: substance, amount: amount, timeHours: time, infusion: infusion,
                      repetition: repetition, routeParameters: parameters, origin: origin)
    } catch {
      let key = error.name ?? "dose"
      throw self.error(key, error.message, byKey[key]?.location)
    }
  }
}
