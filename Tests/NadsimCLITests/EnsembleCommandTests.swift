import Foundation
import Testing

/// `nadsim ensemble` on the model-file HIRES (Models/testset/hires.yaml) with hand-made parameter
/// sets: identical output for any --jobs, ensemble vs scalar agreement, the JSON line, bad input.
@Suite("nadsim ensemble")
struct EnsembleCommandTests {
  static let model = SimulateCommandTests.repository.appendingPathComponent("Models/testset/hires.yaml").path

  /// Nine sets (two full batches and one partial): nominal and scaled rate constants.
  static let sets: String = {
    var text = "sample,k1,k7,Oks\n"
    for i in 0..<9 {
      let f = 0.8 + 0.05 * Double(i)
      text += "s\(i),\(1.71 * f),\(280 / f),\(0.0007 * (2 - f))\n"
    }
    return text
  }()

  static func write(_ text: String, in folder: URL, name: String) throws -> String {
    let path = folder.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func run(_ method: String, jobs: Int, parameters: String, out: String) throws -> CommandLineTests.Run {
    try CommandLineTests.run(["ensemble", "--model", model, "--parameters", parameters, "--until", "321.8122",
                              "--rtol", "1e-6", "--atol", "1e-10", "--method", method, "--jobs", "\(jobs)",
                              "--repeats", "2", "--out", out])
  }

  @Test func outputDoesNotDependOnJobsAndMatchesTheScalarSolver() throws {
    let folder = CommandLineTests.temporaryFolder()
    let parameters = try Self.write(Self.sets, in: folder, name: "sets.csv")
    let one = folder.appendingPathComponent("one.csv").path, two = folder.appendingPathComponent("two.csv").path
    let scalar = folder.appendingPathComponent("scalar.csv").path
    let runOne = try Self.run("ensemble", jobs: 1, parameters: parameters, out: one)
    let runTwo = try Self.run("ensemble", jobs: 2, parameters: parameters, out: two)
    let runScalar = try Self.run("rodas5p", jobs: 2, parameters: parameters, out: scalar)
    #expect(runOne.status == 0, "\(runOne.stderr)")
    #expect(runTwo.status == 0, "\(runTwo.stderr)")
    #expect(runScalar.status == 0, "\(runScalar.stderr)")
    let textOne = try String(contentsOfFile: one, encoding: .utf8)
    #expect(textOne == (try String(contentsOfFile: two, encoding: .utf8)))
    let lines = textOne.split(separator: "\n")
    #expect(lines.first == "sample,y1,y2,y3,y4,y5,y6,y7,y8")
    #expect(lines.count == 10)
    #expect(lines[1].hasPrefix("s0,") && lines[9].hasPrefix("s8,"))

    // Same scenarios, one at a time with Rodas5P: within a few × tolerance.
    let scalarLines = try String(contentsOfFile: scalar, encoding: .utf8).split(separator: "\n")
    for (a, b) in zip(lines.dropFirst(), scalarLines.dropFirst()) {
      let x = a.split(separator: ",").dropFirst().map { Double($0)! }
      let y = b.split(separator: ",").dropFirst().map { Double($0)! }
      for (u, v) in zip(x, y) { #expect(abs(u - v) <= 5 * (1e-6 * abs(v) + 1e-10), "\(a) vs \(b)") }
    }

    for (run, method, jobs) in [(runOne, "ensemble", 1), (runTwo, "ensemble", 2), (runScalar, "rodas5p", 2)] {
      let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
      #expect(json?["method"] as? String == method)
      #expect(json?["solves"] as? Int == 9)
      #expect(json?["jobs"] as? Int == jobs)
      #expect((json?["best_seconds"] as? Double ?? 0) > 0)
      #expect((json?["solves_per_second"] as? Double ?? 0) > 0)
    }
  }

  @Test func aScenarioThatCannotBeSolvedIsReportedAndTheOthersAreKept() throws {
    let folder = CommandLineTests.temporaryFolder()
    // k1 = −1e308 overflows the right-hand side to infinity for that scenario only (its lane fails,
    // and the scalar re-run fails too).
    let parameters = try Self.write("sample,k1\na,1.71\nb,-1e308\nc,1.8\n", in: folder, name: "sets.csv")
    let out = folder.appendingPathComponent("final.csv").path
    let run = try Self.run("ensemble", jobs: 1, parameters: parameters, out: out)
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stderr.contains("sample b"))
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[2].contains("nan"))
    #expect(!lines[1].contains("nan") && !lines[3].contains("nan"))
  }

  @Test func badInputExitsWithTwo() throws {
    let folder = CommandLineTests.temporaryFolder()
    let out = folder.appendingPathComponent("final.csv").path
    let unknown = try Self.write("sample,k99\n0,1\n", in: folder, name: "unknown.csv")
    let run = try Self.run("ensemble", jobs: 1, parameters: unknown, out: out)
    #expect(run.status == 2)
    #expect(run.stderr.contains("k99"))
    let badValue = try Self.write("sample,k1\n0,abc\n", in: folder, name: "bad.csv")
    let run2 = try Self.run("ensemble", jobs: 1, parameters: badValue, out: out)
    #expect(run2.status == 2)
    #expect(run2.stderr.contains("line 2"))
    let run3 = try Self.run("euler", jobs: 1, parameters: badValue, out: out)
    #expect(run3.status == 2)
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
