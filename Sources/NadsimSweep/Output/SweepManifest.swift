import Foundation

/// `manifest.json` of a sweep's results folder: everything needed to know what was run and to
/// read the CSV files beside it (which columns hold which axis, observable and metric, in which
/// unit). Readers of a results folder (the notebook export, `nadsim merge`, `--resume`) rely on
/// this schema only, never on parsing CSV headers.
public struct SweepManifest: Codable, Equatable, Sendable {
  /// Schema version of this file.
  public var manifestVersion = 1
  public var nadsimVersion: String
  /// `git describe`-style commit of the nadsim build, or "unknown".
  public var gitCommit: String
  /// The exact command line, one element per argument.
  public var command: [String]
  /// Digest of everything that determines the result files (``SweepPlan/fingerprint``): shards
  /// of one sweep share it, and `nadsim merge` joins only shards that do.
  public var fingerprint: String
  public var model: FileRecord
  public var sweepFile: FileRecord?
  /// A parameter-set file applied to every scenario.
  public var parameterSet: FileRecord?
  public var design: Design
  public var population: Population?
  public var solver: Solver
  public var durationHours: Double
  /// Spacing of `trajectories.csv` in hours, when written.
  public var gridHours: Double?
  /// The scenario axes, in the order of their columns in `summary.csv`.
  public var axes: [Axis]
  public var observables: [Observable]
  /// The metric columns of `summary.csv` (after the axis, status and reason columns).
  public var metricColumns: [MetricColumn]
  public var files: Files
  /// Scenarios in the whole sweep and in this run's shard.
  public var scenarioCount: Int
  public var shard: Shard?
  /// Rows of `summary.csv` and how many of them failed.
  public var rowCount: Int
  public var failedCount: Int
  /// ISO 8601 UTC.
  public var started: String
  public var finished: String

  public struct FileRecord: Codable, Equatable, Sendable {
    public var path: String
    public var sha256: String
    /// The model's name, for model files.
    public var name: String?
    public init(path: String, sha256: String, name: String? = nil) {
      self.path = path
      self.sha256 = sha256
      self.name = name
    }
  }

  public struct Design: Codable, Equatable, Sendable {
    /// "grid" (Cartesian product), "latin_hypercube" or "monte_carlo".
    public var kind: String
    public var samples: Int?
    public var seed: UInt64?
    public init(kind: String, samples: Int? = nil, seed: UInt64? = nil) {
      self.kind = kind
      self.samples = samples
      self.seed = seed
    }
  }

  public struct Population: Codable, Equatable, Sendable {
    /// Virtual people per scenario (rows with `person` 1…size; person 0 is the typical person).
    public var size: Int
    public var seed: UInt64
    /// Parameters drawn per person, with their distributions as the model declares them.
    public var varied: [String]
    public init(size: Int, seed: UInt64, varied: [String]) {
      self.size = size
      self.seed = seed
      self.varied = varied
    }
  }

  public struct Solver: Codable, Equatable, Sendable {
    public var method: String
    public var rtol: Double
    public var atol: Double
    /// Species the lanes left out of the integration because no scenario's dose reaches them and
    /// they stay exactly zero (``HeldSpecies``); absent when none were.
    public var heldAtZero: [String]?
    public init(method: String, rtol: Double, atol: Double, heldAtZero: [String]? = nil) {
      self.method = method
      self.rtol = rtol
      self.atol = atol
      self.heldAtZero = heldAtZero
    }
  }

  public struct Axis: Codable, Equatable, Sendable {
    /// The axis name as the user wrote it ("dose", "age", "nampt_scale", ...).
    public var name: String
    /// "route", "substance", "dose", "schedule", "infusion", "covariate" or "parameter".
    public var kind: String
    /// Its column header in `summary.csv` (and `quantiles.csv`).
    public var column: String
    public var unit: String?
    /// Listed values (grid designs), as written in the CSV.
    public var values: [String]?
    /// Sampled range (Latin hypercube, Monte Carlo).
    public var range: [Double]?
    /// "linear" or "log" for sampled ranges.
    public var scale: String?
    public init(name: String, kind: String, column: String, unit: String? = nil, values: [String]? = nil,
                range: [Double]? = nil, scale: String? = nil) {
      self.name = name
      self.kind = kind
      self.column = column
      self.unit = unit
      self.values = values
      self.range = range
      self.scale = scale
    }
  }

  public struct Observable: Codable, Equatable, Sendable {
    public var name: String
    public var unit: String
    public var description: String?
    public init(name: String, unit: String, description: String? = nil) {
      self.name = name
      self.unit = unit
      self.description = description
    }
  }

  public struct MetricColumn: Codable, Equatable, Sendable {
    /// Header in `summary.csv`, e.g. "whole_blood_nad.fold [1]".
    public var column: String
    public var observable: String
    /// One of ``SweepManifest/metricNames``.
    public var metric: String
    public var unit: String
    public init(column: String, observable: String, metric: String, unit: String) {
      self.column = column
      self.observable = observable
      self.metric = metric
      self.unit = unit
    }
  }

  public struct Files: Codable, Equatable, Sendable {
    public var summary: String
    /// Population quantiles (5/50/95 %) per scenario, observable and metric.
    public var quantiles: String?
    /// Tidy long trajectories on the `gridHours` grid.
    public var trajectories: String?
    public init(summary: String, quantiles: String? = nil, trajectories: String? = nil) {
      self.summary = summary
      self.quantiles = quantiles
      self.trajectories = trajectories
    }
  }

  public struct Shard: Codable, Equatable, Sendable {
    /// 1-based index of this part and the number of parts.
    public var index: Int
    public var count: Int
    public init(index: Int, count: Int) {
      self.index = index
      self.count = count
    }
  }

  /// Metrics per observable, in column order: the untreated baseline, the largest value and when
  /// it is reached, the area under the curve, the trough over the last dosing interval, the final
  /// value over baseline, and the time to 90 % of the final change.
  public static let metricNames = ["baseline", "cmax", "tmax_h", "auc", "trough", "fold", "t90_h"]

  /// JSON with sorted keys and snake_case names, so that equal manifests are equal files.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return try encoder.encode(self)
  }

  public static func decode(_ data: Data) throws -> SweepManifest {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(SweepManifest.self, from: data)
  }

  public init(nadsimVersion: String, gitCommit: String, command: [String], fingerprint: String, model: FileRecord, sweepFile: FileRecord? = nil,
              parameterSet: FileRecord? = nil, design: Design, population: Population? = nil, solver: Solver,
              durationHours: Double, gridHours: Double? = nil, axes: [Axis], observables: [Observable],
              metricColumns: [MetricColumn], files: Files, scenarioCount: Int, shard: Shard? = nil, rowCount: Int,
              failedCount: Int, started: String, finished: String) {
    self.nadsimVersion = nadsimVersion
    self.gitCommit = gitCommit
    self.command = command
    self.fingerprint = fingerprint
    self.model = model
    self.sweepFile = sweepFile
    self.parameterSet = parameterSet
    self.design = design
    self.population = population
    self.solver = solver
    self.durationHours = durationHours
    self.gridHours = gridHours
    self.axes = axes
    self.observables = observables
    self.metricColumns = metricColumns
    self.files = files
    self.scenarioCount = scenarioCount
    self.shard = shard
    self.rowCount = rowCount
    self.failedCount = failedCount
    self.started = started
    self.finished = finished
  }
}
