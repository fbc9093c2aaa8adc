/// The notebook's first cell: what was run (model and its digest, the exact command, design,
/// population, solver), how many rows succeeded, which figures follow, and what the numbers are:
/// model predictions, with thin human evidence behind the skin outcomes.
struct NotebookHeader {
  let manifest: SweepManifest
  let plan: NotebookPlan
  let title: String
  /// Optional files the manifest lists that are missing from the folder.
  let missing: [String]

  var markdown: String {
    var lines: [String] = []
    lines.append("# \(title)")
    lines.append("")
    lines.append(honestyNote)
    lines.append("")
    lines.append("## What was run")
    lines.append("")
    let model = manifest.model
    lines.append("- **Model:** \(model.name.map { "`\($0)` " } ?? "")from `\(model.path)`, SHA-256 `\(model.sha256)`")
    if let sweep = manifest.sweepFile { lines.append("- **Sweep file:** `\(sweep.path)`, SHA-256 `\(sweep.sha256)`") }
    if let set = manifest.parameterSet { lines.append("- **Parameter set:** `\(set.path)`, SHA-256 `\(set.sha256)`") }
    lines.append("- **Design:** \(design)")
    lines.append("- **Population:** \(population)")
    let solver = manifest.solver
    lines.append("- **Solver:** `\(solver.method)`, rtol \(Self.number(solver.rtol)), atol \(Self.number(solver.atol)); "
                 + "\(Self.number(manifest.durationHours)) h simulated"
                 + (manifest.gridHours.map { ", time courses every \(Self.number($0)) h" } ?? ""))
    let ok = manifest.rowCount - manifest.failedCount
    lines.append("- **Rows of `\(manifest.files.summary)`:** \(manifest.rowCount): \(ok) ok, \(manifest.failedCount) failed")
    lines.append("- **nadsim:** \(manifest.nadsimVersion) (\(manifest.gitCommit))")
    lines.append("")
    lines.append("Command:")
    lines.append("")
    lines.append("```sh")
    lines.append(manifest.command.map(Self.shellQuoted).joined(separator: " "))
    lines.append("```")
    lines.append("")
    if !manifest.axes.isEmpty {
      lines.append("| axis | kind | column | values |")
      lines.append("|---|---|---|---|")
      for axis in manifest.axes {
        lines.append("| \(Self.cell(axis.name)) | \(axis.kind) | `\(Self.cell(axis.column))` | \(Self.cell(Self.values(axis))) |")
      }
      lines.append("")
    }
    lines.append("Observables: " + manifest.observables.map { observable in
      "`\(observable.name)` [\(observable.unit)]" + (observable.description.map { " (\($0))" } ?? "")
    }.joined(separator: "; ") + ".")
    lines.append("")
    lines.append("## Figures")
    lines.append("")
    lines.append(contentsOf: figures.map { "- \($0)" })
    return lines.joined(separator: "\n")
  }

  private var honestyNote: String {
    let documentation = Self.documentation(of: manifest.model.path)
    return """
      > **These are model predictions, not measurements.** Every number in this notebook comes from \
      simulating the model; it is only as good as the model's structure and parameters. Evidence \
      for skin outcomes of NAD+ precursors in humans is thin (few and small studies; skin NAD+ \
      itself is rarely measured), so skin observables are extrapolations from other tissues and \
      from cells and animals. The model documentation (`\(documentation)`) gives each parameter's \
      source and evidence grade and what the model was calibrated and checked against.
      """
  }

  private var design: String {
    var text = "`\(manifest.design.kind)`, \(manifest.scenarioCount) scenarios"
    if let samples = manifest.design.samples { text += ", \(samples) samples" }
    if let seed = manifest.design.seed { text += ", seed \(seed)" }
    if let shard = manifest.shard { text += "; this folder holds part \(shard.index) of \(shard.count)" }
    return text
  }

  private var population: String {
    guard let population = manifest.population else {
      return "the typical person only (person 0)"
    }
    let varied = population.varied.isEmpty ? "" : "; varied: " + population.varied.map { "`\($0)`" }.joined(separator: ", ")
    return "\(population.size) virtual people per scenario (person 1…\(population.size), seed \(population.seed)) "
      + "besides the typical person (person 0)\(varied)"
  }

  private var figures: [String] {
    var items: [String] = []
    if let dose = plan.doseAxis {
      if plan.doseMetrics.isEmpty {
        items.append("Dose–response: not drawn (no fold or cmax metric columns).")
      } else {
        items.append("Dose–response: " + plan.doseMetrics.map { "`\($0)`" }.joined(separator: " and ") + " against `\(dose)`.")
      }
    } else {
      items.append("Dose–response: not drawn (the sweep has no dose axis).")
    }
    if plan.trajectories != nil {
      items.append("Time courses per observable" + (manifest.population == nil ? "." : ", median and 5–95 % band over the virtual people."))
    } else if let listed = manifest.files.trajectories, missing.contains(listed) {
      items.append("Time courses: not drawn (`\(listed)` is listed in the manifest but missing).")
    } else {
      items.append("Time courses: not drawn (no trajectories were written; `nadsim sweep` writes them on request).")
    }
    if let age = plan.ageAxis {
      if plan.ageMetrics.isEmpty {
        items.append("NAD+ against age: not drawn (no baseline or fold metric columns).")
      } else {
        items.append("NAD+ against `\(age)`: " + plan.ageMetrics.map { "`\($0)`" }.joined(separator: " and ") + ".")
      }
    } else {
      items.append("NAD+ against age: not drawn (age is not an axis of the sweep).")
    }
    if let quantiles = manifest.files.quantiles, missing.contains(quantiles) {
      items.append("Population bands: not drawn (`\(quantiles)` is listed in the manifest but missing); lines show the typical person.")
    }
    items.append(plan.hasFailures ? "Failed scenarios: a table." : "Failed scenarios: none.")
    return items
  }

  /// The model's documentation beside its file: `Models/nad-human.yaml` → `Models/nad-human.md`.
  static func documentation(of modelPath: String) -> String {
    for suffix in [".yaml", ".yml"] where modelPath.hasSuffix(suffix) {
      return String(modelPath.dropLast(suffix.count)) + ".md"
    }
    return modelPath + ".md"
  }

  static func values(_ axis: SweepManifest.Axis) -> String {
    let unit = axis.unit.map { " \($0)" } ?? ""
    if let values = axis.values { return values.joined(separator: ", ") + unit }
    if let range = axis.range, range.count == 2 {
      return "\(number(range[0]))–\(number(range[1]))\(unit)" + (axis.scale.map { " (\($0) scale)" } ?? "")
    }
    return ""
  }

  /// Shortest round-trip form; integers without ".0".
  static func number(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
  }

  /// A markdown table cell: pipes escaped.
  static func cell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|")
  }

  /// An argument as a POSIX shell would need it, so the command can be pasted back.
  static func shellQuoted(_ argument: String) -> String {
    let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "@%+=:,./_-".unicodeScalars.contains($0)
    }
    return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
