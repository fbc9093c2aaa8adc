import Foundation
import Testing

/// Runs the built `nadsim` executable as a user would and checks output files, messages and exit
/// codes. Bad input must exit with code 2 and name the flag; nothing may be left half-written.
@Suite("nadsim command line")
struct CommandLineTests {
  /// The `nadsim` executable next to the test bundle (SwiftPM builds all products before tests).
  static var executable: URL {
    let candidates = [
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("nadsim"),
      Bundle.main.bundleURL.appendingPathComponent("nadsim"),
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("nadsim"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
  }

  struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  static func run(_ arguments: [String]) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errData, as: UTF8.self))
  }

  static func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nadsim-cli-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test("solve writes a CSV with t and y1…yn at the requested times, counters on stderr")
  func solveWritesCSV() throws {
    let folder = Self.temporaryFolder()
    let out = folder.appendingPathComponent("hires.csv").path
    let run = try Self.run(["solve", "--problem", "hires", "--method", "rodas5p", "--rtol", "1e-8",
                            "--save-at", "0,100,321.8122", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "t,y1,y2,y3,y4,y5,y6,y7,y8")
    #expect(lines.count == 4)
    #expect(lines.last?.hasPrefix("321.8122,") == true)
    // The final row agrees with the Bari test set reference y1(321.8122) = 7.3713125733256685e-04.
    let y1 = Double(lines.last!.split(separator: ",")[1])!
    #expect(abs(y1 - 7.3713125733256685e-04) < 1e-6 * 7.37e-4 * 10)
    #expect(run.stderr.contains("RHS evaluations"))
    #expect(run.stderr.contains("LU factorisations"))
  }

  @Test("bench writes one row per problem × method × rtol with counters and accuracy")
  func benchWritesRows() throws {
    let folder = Self.temporaryFolder()
    let out = folder.appendingPathComponent("wp.csv").path
    let run = try Self.run(["bench", "--problems", "rober,pollu", "--methods", "rodas5p",
                            "--rtols", "1e-4,1e-6", "--repeats", "2", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 1 + 4)
    let header = lines[0].split(separator: ",").map(String.init)
    for column in ["problem", "method", "rtol", "median_s", "min_s", "rhs_evaluations",
                   "jacobian_evaluations", "lu_factorizations", "linear_solves", "accepted_steps",
                   "rejected_steps", "scd", "mescd", "final_state"] {
      #expect(header.contains(column), "missing column \(column)")
    }
    let mescdIndex = header.firstIndex(of: "mescd")!
    for line in lines.dropFirst() {
      let mescd = Double(line.split(separator: ",")[mescdIndex])!
      #expect(mescd >= 3, "\(line)")
    }
  }

  @Test("bad input exits with code 2 and names the flag", arguments: [
    (["solve", "--problem", "nosuch"], "--problem"),
    (["solve", "--problem", "hires", "--method", "euler"], "--method"),
    (["solve", "--problem", "hires", "--rtol", "0"], "--rtol"),
    (["solve", "--problem", "hires", "--rtol", "nan"], "--rtol"),
    (["solve", "--problem", "hires", "--rtol", "-1e-6"], "--rtol"),
    (["solve", "--problem", "hires", "--out", "/nonexistent-folder/x.csv"], "--out"),
    (["bench", "--problems", "hires,nosuch"], "--problems"),
    (["bench", "--methods", "rodas5p,foo"], "--methods"),
    (["bench", "--rtols", "1e-6,abc"], "--rtols"),
    (["bench", "--repeats", "0"], "--repeats"),
    (["bench", "--out", "/proc/forbidden/wp.csv"], "--out"),
    (["solve"], "--problem"),
    (["solve", "--problem", "hires", "--bogus-flag"], "--bogus-flag"),
  ])
  func badInput(arguments: [String], flag: String) throws {
    let run = try Self.run(arguments)
    #expect(run.status == 2, "\(arguments): status \(run.status), stderr \(run.stderr)")
    #expect(run.stderr.contains(flag), "\(arguments): stderr \(run.stderr)")
  }

  @Test("a failed run leaves an existing output file untouched")
  func existingFileSurvivesBadInput() throws {
    let folder = Self.temporaryFolder()
    let out = folder.appendingPathComponent("keep.csv").path
    try "precious\n".write(toFile: out, atomically: true, encoding: .utf8)
    let run = try Self.run(["bench", "--problems", "hires", "--rtols", "1e-6,-1", "--out", out])
    #expect(run.status == 2)
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "precious\n")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(leftovers == ["keep.csv"])
  }
}
