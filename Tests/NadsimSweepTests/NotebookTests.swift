import Foundation
import Testing
@testable import NadsimSweep

/// The notebook a results folder gives: valid nbformat 4.5, the same bytes every time, and only
/// the figures the results support.
@Suite("notebook export")
struct NotebookTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python/fixtures/sweep-small")

  static func manifest(axes: [SweepManifest.Axis], population: Bool = false, trajectories: Bool = false,
                       failed: Int = 0) -> SweepManifest {
    let observables = [SweepManifest.Observable(name: "whole_blood_nad", unit: "µM"),
                       SweepManifest.Observable(name: "plasma_nam", unit: "µM")]
    let metrics = observables.flatMap { observable in
      ["baseline", "cmax", "fold"].map {
        SweepManifest.MetricColumn(column: "\(observable.name).\($0) [µM]", observable: observable.name, metric: $0, unit: "µM")
      }
    }
    return SweepManifest(
      nadsimVersion: "test", gitCommit: "unknown", command: ["nadsim", "sweep", "--out", "my results"], fingerprint: String(repeating: "0", count: 64),
      model: .init(path: "Models/nad-human.yaml", sha256: String(repeating: "ab", count: 32), name: "nad-human"),
      design: .init(kind: "grid"), population: population ? .init(size: 10, seed: 1, varied: ["k"]) : nil,
      solver: .init(method: "rodas5p", rtol: 1e-6, atol: 1e-9), durationHours: 168, gridHours: trajectories ? 1 : nil,
      axes: axes, observables: observables, metricColumns: metrics,
      files: .init(summary: "summary.csv", quantiles: population ? "quantiles.csv" : nil,
                   trajectories: trajectories ? "trajectories.csv" : nil),
      scenarioCount: 4, rowCount: 4, failedCount: failed, started: "2026-01-02T03:04:05Z", finished: "2026-01-02T03:04:06Z")
  }

  static let dose = SweepManifest.Axis(name: "dose", kind: "dose", column: "dose [mg]", unit: "mg", values: ["100", "1000"])
  static let substance = SweepManifest.Axis(name: "substance", kind: "substance", column: "substance", values: ["NR", "NMN"])
  static let age = SweepManifest.Axis(name: "age", kind: "covariate", column: "age [year]", unit: "year", values: ["30", "70"])

  /// A results folder holding the manifest, an empty summary.csv and the listed optional files
  /// (unless `omit` names them).
  static func folder(_ manifest: SweepManifest, omit: Set<String> = []) throws -> FinishedResults {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nadsim-notebook-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try manifest.encoded().write(to: url.appendingPathComponent("manifest.json"))
    for name in [manifest.files.summary, manifest.files.quantiles, manifest.files.trajectories].compactMap({ $0 })
    where !omit.contains(name) {
      try Data("scenario_id\n".utf8).write(to: url.appendingPathComponent(name))
    }
    return try FinishedResults(path: url.path)
  }

  static func ids(_ manifest: SweepManifest, omit: Set<String> = []) throws -> [String] {
    NotebookGenerator(folder: try folder(manifest, omit: omit), dataPath: "../results").notebook().cells.map(\.id)
  }

  @Test("the fixture of the Python test follows the manifest schema")
  func fixtureDecodes() throws {
    let data = try Data(contentsOf: Self.fixture.appendingPathComponent("manifest.json"))
    let manifest = try SweepManifest.decode(data)
    #expect(manifest.axes.map(\.kind) == ["route", "substance", "dose", "schedule", "covariate"])
    #expect(manifest.population?.size == 3)
    #expect(try SweepManifest.decode(manifest.encoded()) == manifest)
  }

  @Test("the file is nbformat 4.5 JSON: unique valid ids, code cells unrun, python3 kernel")
  func validNotebook() throws {
    let folder = try Self.folder(Self.manifest(axes: [Self.substance, Self.dose, Self.age], population: true,
                                               trajectories: true, failed: 1))
    let text = NotebookGenerator(folder: folder, dataPath: "../results").notebook().fileText()
    let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(json["nbformat"] as? Int == 4)
    #expect(json["nbformat_minor"] as? Int == 5)
    let kernel = (json["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any]
    #expect(kernel?["name"] as? String == "python3")
    let cells = try #require(json["cells"] as? [[String: Any]])
    let ids = cells.compactMap { $0["id"] as? String }
    #expect(ids.count == cells.count)
    #expect(Set(ids).count == ids.count)
    #expect(ids.allSatisfy(Notebook.isValidID))
    for cell in cells where cell["cell_type"] as? String == "code" {
      #expect(cell["execution_count"] is NSNull)
      #expect((cell["outputs"] as? [Any])?.isEmpty == true)
    }
    for cell in cells {
      let lines = try #require(cell["source"] as? [String])
      #expect(lines.dropLast().allSatisfy { $0.hasSuffix("\n") })
      #expect(lines.last?.hasSuffix("\n") == false)
    }
    #expect(text.hasSuffix("}\n"))
  }

  @Test("the same folder gives the same bytes, and nothing of when it ran")
  func deterministic() throws {
    let manifest = Self.manifest(axes: [Self.substance, Self.dose], population: true, trajectories: true)
    let first = NotebookGenerator(folder: try Self.folder(manifest), dataPath: "../r", title: "T").notebook().fileText()
    let second = NotebookGenerator(folder: try Self.folder(manifest), dataPath: "../r", title: "T").notebook().fileText()
    #expect(first == second)
    #expect(!first.contains("2026-01-02"))
    #expect(!first.contains("nadsim-notebook-"))  // the folder's own location is not in the file
  }

  @Test("dose-response cells only when a dose is an axis")
  func doseResponseOnlyWithDose() throws {
    let with = try Self.ids(Self.manifest(axes: [Self.substance, Self.dose]))
    #expect(with.contains("dose-response"))
    #expect(with.contains("dose-response-fold"))
    #expect(with.contains("dose-response-cmax"))
    let without = try Self.ids(Self.manifest(axes: [Self.substance, Self.age]))
    #expect(!without.contains { $0.hasPrefix("dose-response") })
  }

  @Test("NAD+ against age only when age is a covariate axis; NAD+ observables only")
  func ageOnlyWithAge() throws {
    let folder = try Self.folder(Self.manifest(axes: [Self.dose, Self.age]))
    let plan = NotebookPlan(folder)
    #expect(plan.ageMetrics == ["baseline", "fold"])
    #expect(plan.ageObservables == ["whole_blood_nad"])
    let ids = NotebookGenerator(folder: folder, dataPath: ".").notebook().cells.map(\.id)
    #expect(ids.contains("age-baseline") && ids.contains("age-fold"))
    #expect(try !Self.ids(Self.manifest(axes: [Self.dose])).contains { $0.hasPrefix("age-") })
    let ageAsParameter = SweepManifest.Axis(name: "age", kind: "parameter", column: "age", values: ["1"])
    #expect(try !Self.ids(Self.manifest(axes: [ageAsParameter])).contains { $0.hasPrefix("age-") })
  }

  @Test("time courses only when trajectories.csv is listed and present")
  func trajectoriesOnlyWhenPresent() throws {
    #expect(try Self.ids(Self.manifest(axes: [Self.dose], trajectories: true)).contains("time-courses-plot"))
    #expect(try !Self.ids(Self.manifest(axes: [Self.dose])).contains("time-courses-plot"))
    let folder = try Self.folder(Self.manifest(axes: [Self.dose], trajectories: true), omit: ["trajectories.csv"])
    #expect(folder.missing == ["trajectories.csv"])
    let notebook = NotebookGenerator(folder: folder, dataPath: ".").notebook()
    #expect(!notebook.cells.map(\.id).contains("time-courses-plot"))
    #expect(notebook.cells[0].source.contains("`trajectories.csv` is listed in the manifest but missing"))
  }

  @Test("population bands read quantiles.csv only with a population")
  func quantilesOnlyWithPopulation() throws {
    let with = NotebookGenerator(folder: try Self.folder(Self.manifest(axes: [Self.dose], population: true)), dataPath: ".")
    #expect(with.notebook().cells.first { $0.id == "setup" }!.source.contains("QUANTILES_FILE = \"quantiles.csv\""))
    let without = NotebookGenerator(folder: try Self.folder(Self.manifest(axes: [Self.dose])), dataPath: ".")
    #expect(without.notebook().cells.first { $0.id == "setup" }!.source.contains("QUANTILES_FILE = None"))
  }

  @Test("a table of failed scenarios only when rows failed")
  func failedTableOnlyWithFailures() throws {
    #expect(try Self.ids(Self.manifest(axes: [Self.dose], failed: 2)).contains("failed-table"))
    #expect(try !Self.ids(Self.manifest(axes: [Self.dose])).contains("failed-table"))
  }

  @Test("the header names model, digest, command, counts and the honesty note")
  func header() throws {
    let folder = try Self.folder(Self.manifest(axes: [Self.dose], failed: 1))
    let header = NotebookGenerator(folder: folder, dataPath: ".").notebook().cells[0].source
    #expect(header.hasPrefix("# Sweep results: nad-human\n"))
    #expect(header.contains(String(repeating: "ab", count: 32)))
    #expect(header.contains("nadsim sweep --out 'my results'"))
    #expect(header.contains("4: 3 ok, 1 failed"))
    #expect(header.contains("model predictions"))
    #expect(header.contains("skin outcomes"))
    #expect(header.contains("Models/nad-human.md"))
  }

  @Test("the data path is relative to the notebook's folder")
  func relativePaths() {
    #expect(RelativePath.from("/work/repo/notebooks-export", to: "/work/repo/results/run1") == "../results/run1")
    #expect(RelativePath.from("/work/repo", to: "/work/repo/results") == "results")
    #expect(RelativePath.from("/work/repo/results", to: "/work/repo/results") == ".")
    #expect(RelativePath.from("/work/repo/a/b", to: "/work/repo") == "../..")
    #expect(RelativePath.from("/nonexistent-a/x", to: "/nonexistent-b/results") == "/nonexistent-b/results")
  }

  @Test("JSON strings are written as Python's json.dumps(ensure_ascii=False) writes them")
  func jsonQuoting() {
    var out = ""
    NotebookJSON.quote("a\"b\\c\nd\te\u{01}µ–/", into: &out)
    #expect(out == #""a\"b\\c\nd\te\u0001µ–/""#)
    let text = NotebookJSON.object(["b": .array([]), "a": .object([:]), "c": .array([.int(1), .null])]).text()
    #expect(text == "{\n \"a\": {},\n \"b\": [],\n \"c\": [\n  1,\n  null\n ]\n}\n")
  }

  @Test("Python string literals escape quotes, backslashes and newlines")
  func pythonLiterals() {
    #expect(PythonLiteral.string(#"it's "x" \ y"#) == #""it's \"x\" \\ y""#)
    #expect(PythonLiteral.string("a\nb") == #""a\nb""#)
    #expect(PythonLiteral.string("dose [µg]") == "\"dose [µg]\"")
    #expect(PythonLiteral.optionalString(nil) == "None")
  }

  @Test("a manifest with a missing key or a newer version is rejected with the key named")
  func badManifests() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nadsim-notebook-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let path = url.appendingPathComponent("manifest.json")
    var object = try #require(try JSONSerialization.jsonObject(with: Self.manifest(axes: [Self.dose]).encoded()) as? [String: Any])
    object["metric_columns"] = nil
    try JSONSerialization.data(withJSONObject: object).write(to: path)
    #expect(throws: FinishedResultsError.self) { try FinishedResults(path: url.path) }
    do { _ = try FinishedResults(path: url.path) } catch { #expect(error.message.contains("missing key \"metric_columns\"")) }
    object = try #require(try JSONSerialization.jsonObject(with: Self.manifest(axes: [Self.dose]).encoded()) as? [String: Any])
    object["manifest_version"] = 2
    try JSONSerialization.data(withJSONObject: object).write(to: path)
    do { _ = try FinishedResults(path: url.path) } catch { #expect(error.message.contains("manifest_version 2")) }
    try Data("{\"axes\": [".utf8).write(to: path)
    do { _ = try FinishedResults(path: url.path) } catch { #expect(error.message.contains("not valid JSON")) }
  }
}
