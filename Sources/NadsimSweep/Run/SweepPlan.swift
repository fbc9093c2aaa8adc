import Foundation
import NadsimModel
import NadsimODE

/// Everything a sweep run needs, checked: the model, the scenario design, the fixed values, the
/// observables to report, the virtual population, the solver settings, the shard. Built once by
/// the CLI (from a sweep file and flags); the runner only reads it.
public struct SweepPlan {
  public var model: Model
  public var modelRecord: SweepManifest.FileRecord
  public var sweepFile: SweepManifest.FileRecord?
  public var parameterSet: SweepManifest.FileRecord?
  public var fixed: [(name: String, value: AxisValue)]
  public var design: ScenarioDesign
  public var builder: ScenarioBuilder
  /// Indices of the reported observables in `model.observables`.
  public var observables: [Int]
  public var population: VirtualPopulation?
  public var writeTrajectories: Bool
  /// Solve scenarios four at a time in SIMD lanes (``EnsembleSimulator`` with the template's
  /// method, bdf or rodas5p, and tolerances; a failed lane is solved again alone with the same
  /// scalar method). False: one at a time with the template's method.
  public var usesEnsemble = false
  /// Species that no scenario of the design doses and that therefore stay at zero: the lanes
  /// leave them out (``HeldSpecies``). Computed from the design as a whole, not a shard, so every
  /// shard and every thread integrates the same system.
  public let heldSpecies: HeldSpecies
  /// The solver's name as the manifest and fingerprint give it: the method, or `ensemble-` and the
  /// lanes' method.
  public var methodName: String {
    usesEnsemble ? "ensemble-\(builder.template.method.rawValue)" : builder.template.method.rawValue
  }
  /// 1-based shard index and shard count.
  public var shard: (index: Int, count: Int)?
  /// Columns of the scenario axes in `summary.csv`.
  public let axisColumns: [String]
  /// The metric columns: per observable, ``SweepManifest/metricNames`` with their units.
  public let metricColumns: [SweepManifest.MetricColumn]

  /// - Parameters:
  ///   - template: duration, output grid (`everyHours`, required: metrics and trajectories use
  ///     it), solver settings and base parameter overrides shared by every scenario.
  public init(model: Model, modelRecord: SweepManifest.FileRecord, sweepFile: SweepManifest.FileRecord? = nil,
              parameterSet: SweepManifest.FileRecord? = nil, fixed: [(name: String, value: AxisValue)],
              design: ScenarioDesign, template: SimulationRequest, observables: [String],
              population: VirtualPopulation? = nil, writeTrajectories: Bool = false,
              shard: (index: Int, count: Int)? = nil) throws {
    precondition(template.everyHours != nil, "a sweep records on a grid")
    self.model = model
    self.modelRecord = modelRecord
    self.sweepFile = sweepFile
    self.parameterSet = parameterSet
    self.fixed = fixed
    self.design = design
    builder = try ScenarioBuilder(names: fixed.map(\.name) + design.axes.map(\.name), model: model, template: template)
    var indices: [Int] = []
    for name in observables {
      guard let i = model.observables.firstIndex(where: { $0.name == name }) else {
        throw ScenarioBuilder.BuildError(message: "unknown observable '\(name)'; model '\(model.name)' has \(model.observables.map(\.name).joined(separator: ", "))")
      }
      indices.append(i)
    }
    self.observables = indices.isEmpty ? Array(model.observables.indices) : indices
    let fixedCount = fixed.count, fields = builder.fields
    axisColumns = design.axes.enumerated().map { a, axis in fields[fixedCount + a].column(for: axis.name) }
    metricColumns = Self.metricColumns(model: model, observables: self.observables)
    self.population = population
    self.writeTrajectories = writeTrajectories
    if let shard {
      guard shard.count >= 1, (1...shard.count).contains(shard.index) else {
        throw ScenarioBuilder.BuildError(message: "shard \(shard.index)/\(shard.count): expected K/N with 1 ≤ K ≤ N")
      }
    }
    self.shard = shard
    let dosed = try Self.checkWordCombinations(model: model, fixed: fixed, design: design, builder: builder)
    heldSpecies = HeldSpecies(model: model, dosed: dosed ?? model.routeSpecies)
  }

  /// Builds the request of every combination of the word-valued axes (routes, substances,
  /// schedules, co-doses) with the first value of each numeric axis and of the largest dose, so
  /// that an impossible combination is a clear input error before anything runs, not a failed row.
  /// Returns the species those requests dose, which are all that any scenario doses (numeric axes
  /// change amounts and times only); nil when there are too many combinations to build.
  private static func checkWordCombinations(model: Model, fixed: [(name: String, value: AxisValue)],
                                            design: ScenarioDesign, builder: ScenarioBuilder) throws -> Set<Int>? {
    var choices: [[AxisValue]] = []
    for (a, axis) in design.axes.enumerated() {
      let field = builder.fields[fixed.count + a]
      if !field.isNumeric, let values = axis.gridValues {
        choices.append(values)
      } else if case .list(let values) = axis.values, field == .dose || field == .dailyDose {
        choices.append([values.max { ($0.number ?? 0) < ($1.number ?? 0) }!])
      } else if let first = axis.gridValues?.first {
        choices.append([first])
      } else if case .range(let range, _, _) = axis.values {
        choices.append([.number(range.upperBound)])
      }
    }
    let total = choices.reduce(1) { $0 * $1.count }
    guard total <= 100_000 else { return nil }
    var dosed = Set<Int>()
    for index in 0..<total {
      var rest = index
      var values = fixed.map(\.value)
      for c in choices.indices {
        values.append(choices[c][rest % choices[c].count])
        rest /= choices[c].count
      }
      dosed.formUnion(model.dosedSpecies(try builder.request(values).0.regimen))
    }
    return dosed
  }

  /// Rows per scenario: the typical person (0) and the virtual people.
  public var rowsPerScenario: Int { 1 + (population?.size ?? 0) }

  /// The scenarios this run computes: the whole design, or the shard's contiguous part.
  public var scenarioRange: Range<Int> {
    guard let shard else { return 0..<design.count }
    let lower = design.count * (shard.index - 1) / shard.count
    let upper = design.count * shard.index / shard.count
    return lower..<upper
  }

  /// Fixed values then axis values of scenario `index`, in ``ScenarioBuilder/names`` order.
  public func values(ofScenario index: Int) -> [AxisValue] {
    fixed.map(\.value) + design.values(at: index)
  }

  /// A scenario's id: the first 16 hex digits of SHA-256 over its named inputs (sorted by name),
  /// so the same inputs give the same id in any sweep, run, shard or thread count.
  public func scenarioID(_ values: [AxisValue]) -> String {
    let text = zip(builder.names, values).map { "\($0)=\($1)" }.sorted().joined(separator: "\n")
    return String(SHA256.hex(text).prefix(16))
  }

  static func metricColumns(model: Model, observables: [Int]) -> [SweepManifest.MetricColumn] {
    var columns: [SweepManifest.MetricColumn] = []
    for o in observables {
      let observable = model.observables[o]
      let unit = observable.unit.description
      for metric in SweepManifest.metricNames {
        let metricUnit: String
        switch metric {
        case "tmax_h", "t90_h": metricUnit = "h"
        case "fold": metricUnit = "1"
        case "auc": metricUnit = unit == "1" ? "h" : "\(unit)*h"
        default: metricUnit = unit
        }
        columns.append(.init(column: "\(observable.name).\(metric) [\(metricUnit)]", observable: observable.name,
                             metric: metric, unit: metricUnit))
      }
    }
    return columns
  }

  public static let counterColumns = ["steps", "rejected_steps", "rhs_evaluations", "jacobian_evaluations", "lu_factorizations"]

  public var summaryHeader: [String] {
    ["scenario_id", "person"] + axisColumns + ["status", "reason"] + metricColumns.map(\.column) + Self.counterColumns
  }

  public var quantilesHeader: [String] {
    ["scenario_id"] + axisColumns + ["observable", "metric", "unit", "people_ok", "q05", "q50", "q95"]
  }

  public static let trajectoriesHeader = ["scenario_id", "person", "time_h", "observable", "value", "unit"]

  /// The manifest's description of the axes.
  public var manifestAxes: [SweepManifest.Axis] {
    design.axes.enumerated().map { a, axis in
      let field = builder.fields[fixed.count + a]
      switch axis.values {
      case .list(let values):
        return .init(name: axis.name, kind: field.kind, column: axisColumns[a], unit: field.unit, values: values.map(\.description))
      case .range(let range, let scale, let steps):
        if steps != nil {
          return .init(name: axis.name, kind: field.kind, column: axisColumns[a], unit: field.unit,
                       values: axis.gridValues!.map(\.description), range: [range.lowerBound, range.upperBound], scale: scale.rawValue)
        }
        return .init(name: axis.name, kind: field.kind, column: axisColumns[a], unit: field.unit,
                     range: [range.lowerBound, range.upperBound], scale: scale.rawValue)
      }
    }
  }

  /// A digest of everything that determines the result files (not the shard, thread count or
  /// output folder): `--resume` refuses to continue a folder made by a different sweep, and
  /// `nadsim merge` refuses to join shards of different sweeps.
  public var fingerprint: String {
    let t = builder.template
    var parts = [
      "model=\(modelRecord.sha256)", "parameter_set=\(parameterSet?.sha256 ?? "-")",
      "design=\(design.kind.rawValue),\(design.samples),\(design.seed)",
      "axes=\(design.axes.map { "\($0.name):\($0.values)" }.joined(separator: ";"))",
      "fixed=\(fixed.map { "\($0.name)=\($0.value)" }.joined(separator: ";"))",
      "observables=\(observables)", "trajectories=\(writeTrajectories)",
      "until=\(t.durationHours)", "every=\(t.everyHours ?? 0)", "method=\(methodName)",
      "rtol=\(t.tolerances.relative)", "atol=\(t.tolerances.absolute)",
      "parameters=\(t.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";"))",
    ]
    if let population {
      parts.append("population=\(population.size),\(population.seed),\(population.varied.map(\.name))")
    }
    return SHA256.hex(parts.joined(separator: "\n"))
  }
}
