/// Which figures a results folder supports, decided from its manifest and the files present:
/// dose–response when there is a dose axis, time courses when there are trajectories, NAD+ against
/// age when age is an axis, and a table when rows failed.
public struct NotebookPlan: Equatable, Sendable {
  /// The dose axis's name, when the sweep varies the dose: a `dose` axis, or else a route
  /// parameter giving the product's concentration (a topical serum's strength is its dose).
  public var doseAxis: String?
  /// Metrics drawn against dose, in this order, among those the manifest has columns for.
  public var doseMetrics: [String]
  /// The covariate axis named `age`, when the sweep varies age.
  public var ageAxis: String?
  /// Metrics drawn against age: the untreated baseline (the decline with age) and the fold change.
  public var ageMetrics: [String]
  /// Observables drawn against age: the NAD+ ones (a `nad` word in the name), else all.
  public var ageObservables: [String]
  /// `trajectories.csv`, when present.
  public var trajectories: String?
  /// `quantiles.csv`, when the sweep had a population and the file is present.
  public var quantiles: String?
  public var hasFailures: Bool

  /// Metrics for dose–response figures: the fold change (what trials report) and the peak.
  public static let doseResponseMetrics = ["fold", "cmax"]
  public static let ageResponseMetrics = ["baseline", "fold"]

  public init(_ folder: FinishedResults) {
    let manifest = folder.manifest
    let metrics = Set(manifest.metricColumns.map(\.metric))
    doseAxis = manifest.axes.first { $0.kind == "dose" }?.name
      ?? manifest.axes.first { $0.kind == "route_parameter" && $0.name.lowercased().contains("concentration") }?.name
    doseMetrics = doseAxis == nil ? [] : Self.doseResponseMetrics.filter(metrics.contains)
    ageAxis = manifest.axes.first { $0.kind == "covariate" && $0.name == "age" }?.name
    let nad = manifest.observables.map(\.name).filter(Self.isNAD)
    let observables = nad.isEmpty ? manifest.observables.map(\.name) : nad
    ageObservables = observables
    let ageColumns = manifest.metricColumns.filter { observables.contains($0.observable) }
    ageMetrics = ageAxis == nil ? [] : Self.ageResponseMetrics.filter { metric in ageColumns.contains { $0.metric == metric } }
    trajectories = folder.trajectories
    quantiles = manifest.population == nil ? nil : folder.quantiles
    hasFailures = manifest.failedCount > 0
  }

  /// NAD+ itself, not its precursors or the NAAD marker: `nad` is one of the name's words
  /// (whole_blood_nad, nad_liver; not whole_blood_naad, plasma_nam).
  static func isNAD(_ observable: String) -> Bool {
    observable.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains("nad")
  }
}
