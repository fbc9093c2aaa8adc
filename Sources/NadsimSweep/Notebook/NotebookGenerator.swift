/// Builds the notebook for a sweep's results folder: a header, a cell that loads the CSV files with
/// pandas, the figure functions, and one section per figure the results support (see
/// ``NotebookPlan``). The same folder, data path and title always give the same notebook.
public struct NotebookGenerator {
  public let folder: FinishedResults
  public let plan: NotebookPlan
  /// The results folder as the notebook reaches it: relative to the notebook's folder (see
  /// ``RelativePath``), or absolute.
  public let dataPath: String
  public let title: String

  public init(folder: FinishedResults, dataPath: String, title: String? = nil) {
    self.folder = folder
    self.plan = NotebookPlan(folder)
    self.dataPath = dataPath
    let model = folder.manifest.model.name ?? folder.manifest.model.path
    self.title = title ?? "Sweep results: \(model)"
  }

  public func notebook() -> Notebook {
    var cells: [Notebook.Cell] = [
      .markdown("header", NotebookHeader(manifest: folder.manifest, plan: plan, title: title, missing: folder.missing).markdown),
      .code("setup", setup),
      .code("figure-functions", NotebookPython.figures),
    ]
    cells += doseResponse + timeCourses + againstAge + failures
    return Notebook(cells: cells)
  }

  private var setup: String {
    let relative = !dataPath.hasPrefix("/")
    return [
      NotebookPython.imports,
      "",
      relative
        ? "#: The sweep's results folder, relative to this notebook's folder (where Jupyter runs it)."
        : "#: The sweep's results folder (absolute: it shares no folder with this notebook).",
      "RESULTS = Path(\(PythonLiteral.string(dataPath)))",
      "#: Population quantiles per scenario (5, 50, 95 %), when the sweep had virtual people.",
      "QUANTILES_FILE = \(PythonLiteral.optionalString(plan.quantiles))",
      NotebookPython.loading,
    ].joined(separator: "\n")
  }

  private var population: String {
    guard let size = folder.manifest.population?.size, plan.quantiles != nil else {
      return "Lines show the typical person (person 0)."
    }
    return "Lines show the median over the \(size) virtual people, the band their 5–95 % range "
      + "(from `\(plan.quantiles!)`); dashed lines show the typical person."
  }

  private var doseResponse: [Notebook.Cell] {
    guard let dose = plan.doseAxis, !plan.doseMetrics.isEmpty else { return [] }
    let text = """
      ## Dose–response

      Each panel is one observable: \(plan.doseMetrics.map(Self.metricDescription).joined(separator: "; then ")), \
      against the dose. One line per combination of the other axes (route, substance, schedule, ...; \
      a numeric axis with many values is held at its middle value, named in the title). \(population)
      """
    return [.markdown("dose-response", text)] + plan.doseMetrics.map { metric in
      .code("dose-response-\(Self.idPart(metric))", "metric_against(\(PythonLiteral.string(metric)), \(PythonLiteral.string(dose)))")
    }
  }

  private var timeCourses: [Notebook.Cell] {
    guard let file = plan.trajectories else { return [] }
    let people = folder.manifest.population == nil
      ? "Lines show the typical person."
      : "Lines show the median over the virtual people at each time, the band their 5–95 % range."
    let text = """
      ## Time courses

      Each panel is one observable over the simulated time, for at most eight scenarios spread \
      evenly over the order of `\(folder.manifest.files.summary)` (change `max_scenarios` to see \
      more). \(people)
      """
    let code = """
      TRAJECTORIES = read_csv(\(PythonLiteral.string(file)))
      time_courses(TRAJECTORIES, max_scenarios=MAX_LINES)
      """
    return [.markdown("time-courses", text), .code("time-courses-plot", code)]
  }

  private var againstAge: [Notebook.Cell] {
    guard let age = plan.ageAxis, !plan.ageMetrics.isEmpty else { return [] }
    let text = """
      ## NAD+ against age

      The untreated baseline against age shows the decline with age that the model assumes (rows \
      that differ only in treatment have the same baseline and are drawn once); the fold change \
      shows how much a treatment restores. Observables: \(plan.ageObservables.map { "`\($0)`" }.joined(separator: ", ")). \
      \(population)
      """
    var cells: [Notebook.Cell] = [.markdown("nad-against-age", text)]
    let observables = "NAD_OBSERVABLES = \(PythonLiteral.list(plan.ageObservables))\n"
    for (index, metric) in plan.ageMetrics.enumerated() {
      let ignore = metric == "baseline" ? ", ignore=TREATMENT" : ""
      let call = "metric_against(\(PythonLiteral.string(metric)), \(PythonLiteral.string(age)), NAD_OBSERVABLES\(ignore))"
      cells.append(.code("age-\(Self.idPart(metric))", (index == 0 ? observables : "") + call))
    }
    return cells
  }

  private var failures: [Notebook.Cell] {
    guard plan.hasFailures else { return [] }
    let text = """
      ## Failed scenarios

      Rows of `\(folder.manifest.files.summary)` whose simulation failed, with the reason; their \
      metric cells are empty and the figures above leave them out.
      """
    let code = """
      FAILED = SUMMARY[SUMMARY["status"] != "ok"][["scenario_id", "person", *AXIS_COLUMNS, "reason"]]
      print(f"{len(FAILED)} of {len(SUMMARY)} rows failed")
      with pd.option_context("display.max_rows", 500, "display.max_colwidth", None):
          display(FAILED)
      """
    return [.markdown("failed-scenarios", text), .code("failed-table", code)]
  }

  static func metricDescription(_ metric: String) -> String {
    switch metric {
    case "fold": return "the fold change (final value over the untreated baseline)"
    case "cmax": return "the peak value (Cmax)"
    case "baseline": return "the untreated baseline"
    default: return "`\(metric)`"
    }
  }

  /// A metric name as part of a cell id (`tmax_h` → `tmax_h`; anything else outside [A-Za-z0-9_-] → `-`).
  static func idPart(_ text: String) -> String {
    String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "-" })
  }
}
