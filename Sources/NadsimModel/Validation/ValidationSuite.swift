import Foundation

/// A model's validation targets as data (a YAML file beside the model): named scenarios, and claims
/// about quantities computed from them, each with its source, the expected range and why that
/// tolerance. The code knows no biology; the file says what a credible model must reproduce.
///
///     nadsim_validation: 1
///     model: nad-human
///     scenarios:
///       untreated: {until: 24h}
///       nr_once: {doses: ["oral:NR:1000mg@0"], until: 24h, every: 0.25h, covariates: {age: 45}}
///     targets:
///       - id: wb-nad-baseline
///         claim: Baseline whole-blood NAD+ lies at 30–40 µM
///         source: Yang 2022, Front Endocrinol 13:829658
///         quantity: {observable: wb_nad, scenario: untreated, statistic: baseline}
///         expected: [30, 40]
///         tolerance: the spread of cohort means (33 ± 5.5 µM; fresh samples ≈ 40 µM)
///
/// A target is one of: `quantity` (a single number), `ratio` (two quantities, first over second),
/// `mass_balance` ({scenario, observable}: the change of a moiety-total observable equals what was
/// dosed minus what was removed; the number checked is the largest relative error over the run) or
/// `nonnegative` ({scenario}: the smallest species value over the run).
///
/// Statistics of a quantity: `baseline`, `end`, `at` (with `time`), `max`, `min`, `tmax`, `auc`,
/// `fold`, `peak_fold`, `t90` and `dose_fraction`. `dose_fraction` takes an observable that is a
/// rate (an amount per time, such as the flux of a dosed substance into cells or across the skin):
/// its area above its untreated baseline over the run, as an amount, divided by the amount the
/// scenario dosed. It answers "what fraction of the dose went this way"; record the scenario on a
/// fine `every` grid, because the area uses the trapezoidal rule on the recorded points.
public struct ValidationSuite {
  public struct Scenario {
    public var name: String
    public var covariates: [String: Double]
    public var parameters: [String: Double]
    /// Parameters multiplied by a factor (for "tenfold NAMPT" experiments).
    public var scaled: [String: Double]
    public var doses: [String]
    public var untilHours: Double
    public var everyHours: Double?
    public var location: SourceLocation
  }

  /// Which number of a series a quantity takes.
  public enum Statistic: Equatable {
    case baseline, end, max, min, tmax, auc, fold, peakFold, timeTo90
    case at(hours: Double)
    /// Area of a rate observable above its baseline over the run, over the amount dosed.
    case doseFraction
  }

  public struct Quantity {
    public var observable: String
    public var scenario: String
    public var statistic: Statistic
  }

  public enum Check {
    case quantity(Quantity)
    case ratio(Quantity, Quantity)
    case massBalance(scenario: String, observable: String)
    case nonnegative(scenario: String)
  }

  public struct Target {
    public var id: String
    public var claim: String
    public var source: String
    public var check: Check
    public var expected: ClosedRange<Double>
    public var tolerance: String
    public var location: SourceLocation
  }

  public var file: String
  public var model: String
  public var scenarios: [Scenario]
  public var targets: [Target]

  public static func load(path: String) throws -> ValidationSuite {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw ModelError("cannot read the validation file: \(error.localizedDescription)", at: SourceLocation(file: path))
    }
    let root = try YAMLNode.parse(text, file: path)
    try root.checkKeys(["nadsim_validation", "model", "scenarios", "targets"])
    guard try root.required("nadsim_validation").int() == 1 else {
      throw try root.required("nadsim_validation").error("unsupported format version; expected 1")
    }
    var scenarios: [Scenario] = []
    for (name, node) in try root.required("scenarios").entries() {
      try node.checkKeys(["covariates", "parameters", "scale", "doses", "until", "every"])
      func numbers(_ key: String) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for (k, v) in try node.optional(key)?.entries() ?? [] { result[k] = try v.double() }
        return result
      }
      func hours(_ n: YAMLNode) throws -> Double {
        do { return try DoseQuantity.hours(parsing: try n.string()) } catch let e as DoseQuantityError {
          throw n.error(e.message)
        }
      }
      scenarios.append(Scenario(
        name: name, covariates: try numbers("covariates"), parameters: try numbers("parameters"),
        scaled: try numbers("scale"), doses: try node.optional("doses")?.elements().map { try $0.string() } ?? [],
        untilHours: try hours(try node.required("until")), everyHours: try node.optional("every").map(hours),
        location: node.location))
    }
    let scenarioNames = Set(scenarios.map(\.name))
    func quantity(_ node: YAMLNode) throws -> Quantity {
      try node.checkKeys(["observable", "scenario", "statistic", "time"])
      let scenarioNode = try node.required("scenario")
      let scenario = try scenarioNode.string()
      guard scenarioNames.contains(scenario) else { throw scenarioNode.error("unknown scenario '\(scenario)'") }
      let statisticNode = try node.required("statistic")
      let statistic: Statistic
      switch try statisticNode.string() {
      case "baseline": statistic = .baseline
      case "end": statistic = .end
      case "max": statistic = .max
      case "min": statistic = .min
      case "tmax": statistic = .tmax
      case "auc": statistic = .auc
      case "fold": statistic = .fold
      case "peak_fold": statistic = .peakFold
      case "t90": statistic = .timeTo90
      case "dose_fraction": statistic = .doseFraction
      case "at":
        let timeNode = try node.required("time")
        do { statistic = .at(hours: try DoseQuantity.hours(parsing: try timeNode.string())) } catch let e as DoseQuantityError {
          throw timeNode.error(e.message)
        }
      default:
        throw statisticNode.error("unknown statistic; expected baseline, end, at (with time), max, min, tmax, auc, fold, peak_fold, t90 or dose_fraction")
      }
      return Quantity(observable: try node.required("observable").string(), scenario: scenario, statistic: statistic)
    }
    var targets: [Target] = []
    var ids = Set<String>()
    for node in try root.required("targets").elements() {
      try node.checkKeys(["id", "claim", "source", "quantity", "ratio", "mass_balance", "nonnegative", "expected", "tolerance"])
      let id = try node.required("id").string()
      guard ids.insert(id).inserted else { throw node.error("target id '\(id)' appears twice") }
      let check: Check
      if let q = try node.optional("quantity") {
        check = .quantity(try quantity(q))
      } else if let r = try node.optional("ratio") {
        let parts = try r.elements()
        guard parts.count == 2 else { throw r.error("a ratio takes two quantities") }
        check = .ratio(try quantity(parts[0]), try quantity(parts[1]))
      } else if let m = try node.optional("mass_balance") {
        try m.checkKeys(["scenario", "observable"])
        check = .massBalance(scenario: try m.required("scenario").string(), observable: try m.required("observable").string())
      } else if let n = try node.optional("nonnegative") {
        try n.checkKeys(["scenario"])
        check = .nonnegative(scenario: try n.required("scenario").string())
      } else {
        throw node.error("a target needs one of quantity, ratio, mass_balance, nonnegative")
      }
      let expectedNode = try node.required("expected")
      let bounds = try expectedNode.elements()
      guard bounds.count == 2 else { throw expectedNode.error("expected [low, high]") }
      let low = try bounds[0].double(), high = try bounds[1].double()
      guard low <= high else { throw expectedNode.error("empty range") }
      targets.append(Target(
        id: id, claim: try node.required("claim").string(), source: try node.required("source").string(), check: check,
        expected: low...high, tolerance: try node.required("tolerance").string(), location: node.location))
    }
    return ValidationSuite(file: path, model: try root.required("model").string(), scenarios: scenarios, targets: targets)
  }
}
