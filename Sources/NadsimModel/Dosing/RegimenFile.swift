import Foundation
import Yams

/// A regimen written in YAML: a list of doses under `doses:`.
///
///     description: NMN twice daily for four weeks, one NAD+ infusion, a skin cream   # optional
///     doses:
///       - {route: oral, substance: NMN, amount: 500 mg, time: 8 h, every: 12 h, count: 56}
///       - {route: iv, substance: NAD, amount: 750 mg, time: 0 h, duration: 6 h}
///       - {route: topical, substance: NMN, amount: 40 mg, time: 0 h, every: 24 h, until: 28 d,
///          concentration_ppm: 4000, area_cm2: 400}
///
/// Keys of a dose (block or flow mappings alike):
///
/// - `route`, `substance` (required): names from the model.
/// - `amount` (required, > 0): `500 mg`, `0.5 g`, `250 µg`, `100 µmol`, `2 mmol`, `1e3 nmol`.
/// - `time`: first dose time, `8 h`, `2 d`, `30 min` or `0`; 0 h when left out.
/// - `every`: interval between doses; needs `count` or `until`.
/// - `count`: doses **in all, the first included** (`count: 56` = the first + 55 more), ≥ 1.
/// - `until`: end of the repetition, **exclusive**: doses strictly before it, so
///   `time: 0 h, every: 24 h, until: 28 d` is 28 doses, the last at 648 h. Must be after `time`.
/// - `duration` or `rate`: an infusion over a time (`6 h`) or at a rate (`125 mg/h`, the same
///   kind as the amount: mass or mol). Leave both out for a bolus.
/// - anything else: a route parameter, a plain number with its unit in its name
///   (`area_cm2: 400`); the model's route checks the names it knows.
///
/// Every error is a ``ModelError`` at the file, line and column of the value at fault (or of the
/// dose, for a missing key), naming the key.
public enum RegimenFile {
  /// Reads a regimen from YAML text.
  /// - Parameters:
  ///   - yaml: the file's text.
  ///   - file: the file's name or path, for error messages and each dose's origin.
  /// - Throws: ``ModelError`` with file, line and column.
  public static func parse(_ yaml: String, file: String) throws(ModelError) -> Regimen {
    func place(_ mark: Mark?) -> SourceLocation {
      SourceLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
    }
    let root: Node?
    do { root = try Yams.compose(yaml: yaml) } catch {
      throw yamlError(error, file: file)
    }
    guard let root else {
      throw ModelError("empty file; expected a mapping with 'doses:', a list of doses", at: place(nil))
    }
    guard case .mapping(let top) = root else {
      throw ModelError("expected a mapping with 'doses:' at the top, found \(kind(of: root))", at: place(root.mark))
    }
    var dosesNode: Node?
    for (key, value) in top {
      let name = key.string ?? ""
      switch name {
      case "doses": dosesNode = value
      case "description": break
      default:
        throw ModelError("unknown key; expected 'doses' (and optionally 'description')", at: place(key.mark),
                         name: name)
      }
    }
    guard let dosesNode else {
      throw ModelError("missing; expected a list of doses", at: place(root.mark), name: "doses")
    }
    guard case .sequence(let list) = dosesNode else {
      throw ModelError("expected a list of doses ('- {route: ..., ...}'), found \(kind(of: dosesNode))",
                       at: place(dosesNode.mark), name: "doses")
    }
    var doses: [Dose] = []
    for item in list {
      guard case .mapping(let mapping) = item else {
        throw ModelError("expected a dose (a mapping such as {route: oral, substance: NMN, amount: 500 mg}), "
          + "found \(kind(of: item))", at: place(item.mark), name: "doses")
      }
      let origin = place(item.mark)
      var fields = DoseFields(origin: origin) { key, message, location in
        ModelError(message, at: location ?? origin, name: key)
      }
      for (key, value) in mapping {
        guard case .scalar(let keyScalar) = key else {
          throw ModelError("expected a key name, found \(kind(of: key))", at: place(key.mark))
        }
        guard case .scalar(let valueScalar) = value else {
          throw ModelError("expected a single value, found \(kind(of: value))", at: place(value.mark),
                           name: keyScalar.string)
        }
        fields.fields.append(.init(key: keyScalar.string, text: valueScalar.string, location: place(value.mark)))
      }
      doses.append(try fields.dose())
    }
    return Regimen(doses: doses)
  }

  /// Reads a regimen file from disk.
  /// - Throws: ``ModelError`` at the path when it cannot be read, else as ``parse(_:file:)``.
  public static func load(path: String) throws(ModelError) -> Regimen {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw ModelError("cannot read the regimen file: \(error.localizedDescription)", at: SourceLocation(file: path))
    }
    return try parse(text, file: path)
  }

  private static func kind(of node: Node) -> String {
    switch node {
    case .scalar(let s): return "'\(s.string)'"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }

  /// A YAML syntax error as a ``ModelError`` at its line and column.
  private static func yamlError(_ error: any Error, file: String) -> ModelError {
    guard let yaml = error as? YamlError else {
      return ModelError("not valid YAML: \(error)", at: SourceLocation(file: file))
    }
    switch yaml {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
         .composer(_, let problem, let mark, _):
      return ModelError("not valid YAML: \(problem)",
                        at: SourceLocation(file: file, line: mark.line, column: mark.column))
    case .duplicatedKeysInMapping(let duplicates, let context):
      return ModelError("key given twice; expected each key once in a mapping",
                        at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                        name: duplicates.joined(separator: ", "))
    case .reader(let problem, _, _, _):
      return ModelError("not readable as YAML text: \(problem)", at: SourceLocation(file: file))
    default:
      return ModelError("not valid YAML: \(yaml)", at: SourceLocation(file: file))
    }
  }
}
