import ArgumentParser
import Foundation
import NadsimModel
import NadsimODE
import NadsimSweep

/// The options that define a sweep (model, axes, design, duration, grid, solver, shard), shared by
/// `nadsim sweep` and `nadsim export scenarios`, and their checked result: one parsing path.
struct SweepArguments: ParsableArguments {
  /// The lanes' method for an ensemble method name (`ensemble`, `ensemble-bdf`, `ensemble-rodas5p`,
  /// any case), or nil for a scalar method name.
  static func laneMethod(_ name: String) -> Method? {
    switch name.lowercased() {
    case "ensemble", "ensemble-bdf": return .bdf
    case "ensemble-rodas5p": return .rodas5p
    default: return nil
    }
  }

  @Option(help: "Sweep file (YAML, Models/sweeps/README.md).")
  var sweep: String?

  @Option(help: "Model file (overrides the sweep file's).")
  var model: String?

  @Option(name: .customLong("axis"), help: "An axis: NAME=V1,V2,... or NAME=LOW..HIGH[:STEPS][:log] (repeatable).")
  var axes: [String] = []

  @Option(name: .customLong("fixed"), help: "A value shared by every scenario: NAME=VALUE (repeatable).")
  var fixed: [String] = []

  @Option(help: "Scenario design: grid, latin_hypercube (lhs) or monte_carlo (mc).")
  var design: String?

  @Option(help: "Samples over the ranged axes (latin_hypercube, monte_carlo).")
  var samples: Int?

  @Option(help: "Seed of the design's samples and of the virtual people.")
  var seed: UInt64?

  @Option(help: "Virtual people per scenario, drawn from the model's declared variability.")
  var population: Int?

  @Option(help: "Length of each run (e.g. 28d).")
  var until: String?

  @Option(help: "Grid for metrics and trajectories (e.g. 1h; default 1h).")
  var every: String?

  @Option(name: .customLong("observable"), help: "Observables to report, comma-separated (default: all).")
  var observables: [String] = []

  @Option(name: .customLong("parameter-set"), help: "A parameter-set file applied to every scenario.")
  var parameterSet: String?

  @Flag(help: "Also write trajectories.csv (tidy long, on the --every grid).")
  var trajectories = false

  @Option(help: "Integration method: bdf (the default), rodas5p, auto, radau5, tsit5 or dop853. bdf and rodas5p run four scenarios at a time in SIMD lanes unless --no-lanes; 'ensemble' is bdf in lanes.")
  var method: String?

  @Flag(inversion: .prefixedNo, help: "Solve four scenarios at a time in SIMD lanes (bdf and rodas5p; the default) or one at a time.")
  var lanes: Bool?

  @Option(help: "Relative tolerance (default 1e-6).")
  var rtol: String?

  @Option(help: "Absolute tolerance in working units (default 1e-9).")
  var atol: String?

  @Option(help: "Run part K of N (K/N): a contiguous share of the scenarios; join parts with nadsim merge.")
  var shard: String?

  /// A sweep checked and ready to run: the loaded model, the plan and the request template.
  struct Prepared {
    var model: Model
    var plan: SweepPlan
    var template: SimulationRequest
    /// The relative and absolute tolerances as given (the manifest records them).
    var rtol: Double
    var atol: Double
  }

  /// Reads the sweep file (if any), applies the flags and checks everything against the model.
  func prepare() throws -> Prepared {
    var definition = SweepDefinition()
    do {
      if let sweep { definition = try SweepFile.load(path: sweep) }
      try applyFlags(to: &definition)
    } catch let error as SweepInputError { throw InputError(error.message) }

    guard let modelPath = definition.modelPath else { throw InputError("--model: no model given (flag or the sweep file's 'model')") }
    let loaded: Model
    do { loaded = try ModelLoader.load(path: modelPath) } catch let error as ModelError { throw InputError(error.description) }
    let hoursPerUnit = loaded.hoursPerTimeUnit
    guard let untilText = definition.until else { throw InputError("--until: no run length given (flag or the sweep file's 'until')") }
    var template = SimulationRequest(durationHours: try SimulateCommand.duration(untilText, flag: "--until", hoursPerUnit: hoursPerUnit))
    template.everyHours = try SimulateCommand.duration(definition.every ?? "1h", flag: "--every", hoursPerUnit: hoursPerUnit)
    // bdf and rodas5p run in SIMD lanes unless lanes are turned off ("ensemble", "ensemble-bdf" and
    // "ensemble-rodas5p" name them explicitly); a lane that fails is solved again alone by the same
    // scalar method. The other methods run one scenario at a time.
    let methodName = definition.method ?? Method.bdf.rawValue
    let usesEnsemble: Bool
    if let laneMethod = SweepArguments.laneMethod(methodName) {
      if definition.lanes == false {
        throw InputError("--method \(methodName): runs in SIMD lanes, which --no-lanes (or the sweep file's 'lanes: false') turns off")
      }
      template.method = laneMethod
      usesEnsemble = true
    } else {
      template.method = try ListParsing.method(methodName, flag: "--method")
      let lanesPossible = EnsembleSimulator.methods.contains(template.method)
      if definition.lanes == true && !lanesPossible {
        throw InputError("--lanes: method \(template.method.rawValue) does not run in SIMD lanes (bdf and rodas5p do)")
      }
      usesEnsemble = lanesPossible && definition.lanes != false
    }
    let rtol = try ListParsing.tolerances(definition.rtol ?? "1e-6", flag: "--rtol")
    let atol = try ListParsing.doubles(definition.atol ?? "1e-9", flag: "--atol")
    guard rtol.count == 1, atol.count == 1, atol[0] >= 0 else { throw InputError("--rtol and --atol take one value each (atol ≥ 0)") }
    template.tolerances = Tolerances(relative: rtol[0], absolute: atol[0])

    var parameterSetRecord: SweepManifest.FileRecord?
    do {
      if let path = definition.parameterSet {
        let set = try ParameterSet.load(path: path, for: loaded)
        template.parameters = set.values
        parameterSetRecord = .init(path: path, sha256: try BuildInfo.fileDigest(path), name: set.label)
      }
    } catch let error as ModelError { throw InputError(error.description) }

    var plan: SweepPlan
    do {
      let (fixedValues, axisList) = try definition.resolve(for: loaded)
      let kind = definition.design ?? .grid
      let design = try ScenarioDesign(kind: kind, axes: axisList, samples: definition.samples ?? 0, seed: definition.seed ?? 1)
      guard design.count > 0 else { throw InputError("the sweep has no scenarios") }
      var people: VirtualPopulation?
      if let size = definition.populationSize {
        guard size >= 1 else { throw InputError("--population \(size): expected a whole number ≥ 1") }
        people = try VirtualPopulation(model: loaded, size: size, seed: definition.populationSeed ?? definition.seed ?? 1,
                                       correlations: loaded.correlations.map { ($0.first, $0.second, $0.coefficient) })
      }
      plan = try SweepPlan(
        model: loaded, modelRecord: .init(path: modelPath, sha256: try BuildInfo.fileDigest(modelPath), name: loaded.name),
        sweepFile: try sweep.map { .init(path: $0, sha256: try BuildInfo.fileDigest($0)) }, parameterSet: parameterSetRecord,
        fixed: fixedValues, design: design, template: template, observables: definition.observables,
        population: people, writeTrajectories: definition.trajectories ?? false, shard: try parseShard())
      plan.usesEnsemble = usesEnsemble
    } catch let error as SweepInputError {
      throw InputError(error.message)
    } catch let error as ScenarioDesign.DesignError {
      throw InputError(error.message)
    } catch let error as ScenarioBuilder.BuildError {
      throw InputError(error.message)
    } catch let error as VirtualPopulation.PopulationError {
      throw InputError("--population: \(error.message)")
    }

    return Prepared(model: loaded, plan: plan, template: template, rtol: rtol[0], atol: atol[0])
  }

  private func applyFlags(to definition: inout SweepDefinition) throws {
    if let model { definition.modelPath = model }
    if let until { definition.until = until }
    if let every { definition.every = every }
    if !observables.isEmpty {
      definition.observables = observables.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    }
    for text in fixed {
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw SweepInputError("--fixed \(text): expected NAME=VALUE") }
      definition.fixed.removeAll { $0.name == parts[0] }
      definition.axes.removeAll { $0.name == parts[0] }
      definition.fixed.append(.init(name: parts[0], values: .list([parts[1]]), origin: "--fixed"))
    }
    for text in axes {
      let entry = try SweepDefinition.entry(flagValue: text, flag: "--axis")
      definition.axes.removeAll { $0.name == entry.name }
      definition.fixed.removeAll { $0.name == entry.name }
      definition.axes.append(entry)
    }
    if let design {
      let aliases = ["lhs": "latin_hypercube", "mc": "monte_carlo"]
      guard let kind = ScenarioDesign.Kind(rawValue: aliases[design] ?? design) else {
        throw SweepInputError("--design \(design): expected grid, latin_hypercube (lhs) or monte_carlo (mc)")
      }
      definition.design = kind
    }
    if let samples {
      guard samples >= 1 else { throw SweepInputError("--samples \(samples): expected a whole number ≥ 1") }
      definition.samples = samples
    }
    if let seed {
      definition.seed = seed
      definition.populationSeed = seed
    }
    if let population { definition.populationSize = population }
    if let method { definition.method = method }
    if let lanes { definition.lanes = lanes }
    if let rtol { definition.rtol = rtol }
    if let atol { definition.atol = atol }
    if let parameterSet { definition.parameterSet = parameterSet }
    if trajectories { definition.trajectories = true }
  }

  private func parseShard() throws -> (index: Int, count: Int)? {
    guard let shard else { return nil }
    let parts = shard.split(separator: "/").map { Int($0) }
    guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, (1...n).contains(k) else {
      throw InputError("--shard \(shard): expected K/N with 1 ≤ K ≤ N, e.g. 2/4")
    }
    return (k, n)
  }
}
