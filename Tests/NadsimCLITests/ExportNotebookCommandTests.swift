import Foundation
import Testing

/// `nadsim export notebook` run as a user would: the notebook it writes from a results folder,
/// and exit code 2 with a message naming the flag and the file for bad input.
@Suite("nadsim export notebook")
struct ExportNotebookCommandTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("python/fixtures/sweep-small")

  /// A copy of the fixture's manifest and summary in a fresh folder, to break one thing in.
  static func copyOfFixture() throws -> URL {
    let folder = CommandLineTests.temporaryFolder().appendingPathComponent("results")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in ["manifest.json", "summary.csv"] {
      try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    return folder
  }

  @Test("writes a notebook that reaches the results by a relative path")
  func writesNotebook() throws {
    let results = try Self.copyOfFixture()
    let notebooks = results.deletingLastPathComponent().appendingPathComponent("notebooks")
    try FileManager.default.createDirectory(at: notebooks, withIntermediateDirectories: true)
    let out = notebooks.appendingPathComponent("sweep.ipynb").path
    let run = try CommandLineTests.run(["export", "notebook", "--from", results.path, "--out", out, "--title", "My sweep"])
    #expect(run.status == 0, "\(run.stderr)")
    // The manifest lists quantiles.csv and trajectories.csv, which this copy lacks.
    #expect(run.stderr.contains("trajectories.csv is listed in manifest.json but missing"))
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.contains(#"RESULTS = Path(\"../results\")"#))
    #expect(text.contains("# My sweep"))
    #expect(text.contains("\"id\": \"dose-response-fold\""))
    #expect(!text.contains("\"id\": \"time-courses-plot\""))
  }

  @Test("a missing results folder exits with code 2 and names --from and the folder")
  func missingFolder() throws {
    let folder = CommandLineTests.temporaryFolder()
    let out = folder.appendingPathComponent("a.ipynb").path
    let run = try CommandLineTests.run(["export", "notebook", "--from", folder.appendingPathComponent("nope").path, "--out", out])
    #expect(run.status == 2)
    #expect(run.stderr.contains("--from"))
    #expect(run.stderr.contains("nope"))
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("a folder without manifest.json exits with code 2 and names the file")
  func missingManifest() throws {
    let results = try Self.copyOfFixture()
    try FileManager.default.removeItem(at: results.appendingPathComponent("manifest.json"))
    let out = results.deletingLastPathComponent().appendingPathComponent("a.ipynb").path
    let run = try CommandLineTests.run(["export", "notebook", "--from", results.path, "--out", out])
    #expect(run.status == 2)
    #expect(run.stderr.contains("manifest.json does not exist"))
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("an invalid manifest.json exits with code 2, naming the file and what is wrong")
  func invalidManifest() throws {
    let results = try Self.copyOfFixture()
    let manifest = results.appendingPathComponent("manifest.json")
    let out = results.deletingLastPathComponent().appendingPathComponent("a.ipynb").path
    try Data("{ not json".utf8).write(to: manifest)
    var run = try CommandLineTests.run(["export", "notebook", "--from", results.path, "--out", out])
    #expect(run.status == 2)
    #expect(run.stderr.contains("manifest.json: not valid JSON"), "\(run.stderr)")
    let original = try String(contentsOf: Self.fixture.appendingPathComponent("manifest.json"), encoding: .utf8)
    try original.replacingOccurrences(of: "\"row_count\"", with: "\"rows\"").write(to: manifest, atomically: true, encoding: .utf8)
    run = try CommandLineTests.run(["export", "notebook", "--from", results.path, "--out", out])
    #expect(run.status == 2)
    #expect(run.stderr.contains("manifest.json: missing key \"row_count\""), "\(run.stderr)")
    try original.replacingOccurrences(of: "\"scenario_count\": 24", with: "\"scenario_count\": \"many\"")
      .write(to: manifest, atomically: true, encoding: .utf8)
    run = try CommandLineTests.run(["export", "notebook", "--from", results.path, "--out", out])
    #expect(run.status == 2)
    #expect(run.stderr.contains("scenario_count: expected an integer"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("a missing summary.csv exits with code 2 and names it")
  func missingSummary() throws {
    let results = try Self.copyOfFixture()
    try FileManager.default.removeItem(at: results.appendingPathComponent("summary.csv"))
    let out = results.deletingLastPathComponent().appendingPathComponent("a.ipynb").path
    let run = try CommandLineTests.run(["export", "notebook", "--from", results.path, "--out", out])
    #expect(run.status == 2)
    #expect(run.stderr.contains("summary.csv does not exist"))
  }

  @Test("an --out path in a folder that does not exist exits with code 2 and names the flag")
  func badOutPath() throws {
    let run = try CommandLineTests.run(["export", "notebook", "--from", Self.fixture.path,
                                        "--out", "/nonexistent-folder/sweep.ipynb"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("--out"))
  }
}
