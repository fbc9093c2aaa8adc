import Foundation
import Testing

/// `nadsim sweep` and `nadsim merge` as a user runs them: files, exit codes, and bad input that
/// exits with code 2, names the flag or field, and leaves existing results untouched.
@Suite("nadsim sweep")
struct SweepCommandTests {
  static let model = SimulateCommandTests.repository.appendingPathComponent("Models/examples/one-compartment-oral.yaml").path
  static let base = ["sweep", "--model", model, "--fixed", "route=oral", "--fixed", "substance=drug", "--until", "24h",
                     "--every", "1h", "--quiet"]

  func sweep(_ extra: [String], out: String) throws -> CommandLineTests.Run {
    try CommandLineTests.run(Self.base + extra + ["--out", out])
  }

  @Test func jobsDoNotChangeTheFilesAndTheManifestDescribesThem() throws {
    let folder = CommandLineTests.temporaryFolder()
    let axes = ["--axis", "dose=50mg,100mg,200mg", "--axis", "schedule=once,twice daily", "--population", "4", "--seed", "9",
                "--trajectories"]
    let one = try sweep(axes + ["--jobs", "1"], out: folder.appendingPathComponent("one").path)
    let two = try sweep(axes + ["--jobs", "2"], out: folder.appendingPathComponent("two").path)
    #expect(one.status == 0, "\(one.stderr)")
    #expect(two.status == 0, "\(two.stderr)")
    for name in ["summary.csv", "quantiles.csv", "trajectories.csv"] {
      let a = try Data(contentsOf: folder.appendingPathComponent("one/\(name)"))
      let b = try Data(contentsOf: folder.appendingPathComponent("two/\(name)"))
      #expect(a == b, "\(name) differs between --jobs 1 and --jobs 2")
    }
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("one/manifest.json"))) as! [String: Any]
    #expect(manifest["row_count"] as? Int == 6 * 5)
    #expect((manifest["model"] as? [String: Any])?["sha256"] as? String != nil)
    #expect((manifest["command"] as? [String])?.contains("--population") == true)
    // The default solves in SIMD lanes with BDF; the manifest says so.
    #expect(((manifest["solver"] as? [String: Any])?["method"] as? String) == "ensemble-bdf", "\(manifest["solver"] ?? "no solver")")
    let hidden = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("one").path).filter { $0.hasPrefix(".") }
    #expect(hidden.isEmpty, "left behind: \(hidden)")
  }

  @Test func shardsAndMerge() throws {
    let folder = CommandLineTests.temporaryFolder()
    let axes = ["--axis", "dose=50mg,100mg,200mg,400mg,800mg"]
    #expect(try sweep(axes, out: folder.appendingPathComponent("all").path).status == 0)
    for k in 1...2 { #expect(try sweep(axes + ["--shard", "\(k)/2"], out: folder.appendingPathComponent("p\(k)").path).status == 0) }
    let merged = try CommandLineTests.run(["merge", "--out", folder.appendingPathComponent("merged").path,
                                           folder.appendingPathComponent("p2").path, folder.appendingPathComponent("p1").path])
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(try Data(contentsOf: folder.appendingPathComponent("all/summary.csv")) == Data(contentsOf: folder.appendingPathComponent("merged/summary.csv")))
    let incomplete = try CommandLineTests.run(["merge", "--out", folder.appendingPathComponent("m2").path, folder.appendingPathComponent("p1").path])
    #expect(incomplete.status == 2)
    #expect(incomplete.stderr.contains("missing"))
  }

  @Test func badInputExitsWithTwoAndNamesTheCulprit() throws {
    let folder = CommandLineTests.temporaryFolder()
    let out = folder.appendingPathComponent("r").path
    let cases: [([String], String)] = [
      (["--axis", "dosage=1mg,2mg"], "unknown axis 'dosage'"),
      (["--axis", "dose=200mg..100mg"], "the range is empty"),
      (["--axis", "dose=100mg..200mg", "--design", "lhs", "--samples", "0"], "--samples 0"),
      (["--axis", "dose=100mg..200mg", "--design", "lhs"], "sample count"),
      (["--axis", "dose=5parsecs"], "unknown unit 'parsecs'"),
      (["--axis", "schedule=sometimes", "--axis", "dose=1mg"], "schedule 'sometimes'"),
      (["--axis", "substance=drug,aspirin", "--axis", "dose=1mg"], "does not take 'aspirin'"),
      (["--axis", "ke=0.1,0.2", "--observable", "nothing"], "unknown observable 'nothing'"),
      (["--axis", "dose=1mg", "--shard", "3/2"], "--shard 3/2"),
      (["--axis", "dose=1mg", "--method", "tsit5", "--lanes"], "tsit5 does not run in SIMD lanes"),
      (["--axis", "dose=1mg", "--method", "ensemble", "--no-lanes"], "--no-lanes"),
    ]
    for (arguments, message) in cases {
      let run = try sweep(arguments, out: out)
      #expect(run.status == 2, "\(arguments): \(run.stderr)")
      #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: out + "/summary.csv"))
  }

  @Test func existingResultsAreNeverOverwrittenAndResumeChecksTheCommand() throws {
    let folder = CommandLineTests.temporaryFolder()
    let out = folder.appendingPathComponent("r").path
    #expect(try sweep(["--axis", "dose=50mg,100mg"], out: out).status == 0)
    let before = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.csv"))
    let again = try sweep(["--axis", "dose=50mg,100mg"], out: out)
    #expect(again.status == 2)
    #expect(again.stderr.contains("already holds sweep results"))
    let resume = try sweep(["--axis", "dose=50mg,100mg", "--resume"], out: out)
    #expect(resume.status == 2)
    #expect(resume.stderr.contains("nothing to resume"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/summary.csv")) == before)
    let unwritable = try sweep(["--axis", "dose=50mg"], out: "/proc/nadsim-cannot-write-here")
    #expect(unwritable.status == 2)
    #expect(unwritable.stderr.contains("--out"))
  }

  @Test func aSweepFileAndFlagsCombine() throws {
    let folder = CommandLineTests.temporaryFolder()
    let file = folder.appendingPathComponent("s.yaml")
    try """
      nadsim_sweep: 1
      model: \(Self.model)
      until: 12h
      every: 1h
      fixed: {route: oral, substance: drug}
      axes:
        dose: {values: [0.1, 0.2], unit: g}
        body_weight: {range: [50, 90], steps: 3}
      """.write(to: file, atomically: true, encoding: .utf8)
    let run = try CommandLineTests.run(["sweep", "--sweep", file.path, "--out", folder.appendingPathComponent("r").path, "--quiet"])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try String(contentsOfFile: folder.appendingPathComponent("r/summary.csv").path, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 1 + 6)
    #expect(lines[0].hasPrefix("scenario_id,person,dose [mg],body_weight [kg],status,reason,"))
    #expect(lines[1].contains(",100.0,50.0,ok,"))
    try "nadsim_sweep: 1\naxes:\n  dose: {valeus: [1]}\n".write(to: file, atomically: true, encoding: .utf8)
    let bad = try CommandLineTests.run(["sweep", "--sweep", file.path, "--model", Self.model, "--until", "1h", "--out", folder.appendingPathComponent("b").path])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("s.yaml:3") && bad.stderr.contains("valeus"), "\(bad.stderr)")
  }
}

/// A sweep killed with SIGKILL mid-run and resumed with `--resume` writes exactly what an
/// uninterrupted run writes.
@Suite("nadsim sweep --resume after a kill")
struct SweepKillResumeTests {
  @Test func killedThenResumedEqualsUninterrupted() throws {
    let folder = CommandLineTests.temporaryFolder()
    let arguments = SweepCommandTests.base + ["--axis", "dose=10mg..1000mg:30", "--population", "65", "--seed", "3", "--jobs", "1"]
    let straight = folder.appendingPathComponent("straight").path
    #expect(try CommandLineTests.run(arguments + ["--out", straight]).status == 0)

    let killed = folder.appendingPathComponent("killed").path
    let process = Process()
    process.executableURL = CommandLineTests.executable
    process.arguments = arguments + ["--out", killed]
    process.standardError = FileHandle.nullDevice
    try process.run()
    let checkpoint = killed + "/.sweep-checkpoint.json"
    var done = 0
    while process.isRunning {
      if let data = FileManager.default.contents(atPath: checkpoint),
         let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
         let scenarios = json["scenariosDone"] as? Int, scenarios >= 2 {
        done = scenarios
        kill(process.processIdentifier, SIGKILL)
        break
      }
      usleep(2_000)
    }
    process.waitUntilExit()
    try #require(done >= 2, "the sweep finished before it could be killed; make it longer")
    #expect(!FileManager.default.fileExists(atPath: killed + "/summary.csv"))
    let resumed = try CommandLineTests.run(arguments + ["--out", killed, "--resume"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    for name in ["summary.csv", "quantiles.csv"] {
      #expect(try Data(contentsOf: URL(fileURLWithPath: straight + "/" + name)) == Data(contentsOf: URL(fileURLWithPath: killed + "/" + name)))
    }
  }
}
