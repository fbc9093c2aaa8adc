import ArgumentParser
import Foundation
import NadsimSweep
import NadsimODE
import NadsimProblems

/// `nadsim solve`: one built-in problem, one method; CSV of the solution and counters on stderr.
struct SolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "solve",
    abstract: "Solve a built-in test problem and write its solution as CSV.",
    discussion: """
      Writes a header `t,y1,...,yn` and one row per saved time (every accepted step unless \
      --save-at is given), then prints the solver's counters on stderr.

      Example: nadsim solve --problem hires --method rodas5p --rtol 1e-8 --save-at 0,100,321.8122
      """)

  @Option(help: "Problem name: \(TestProblem.all.map(\.name).joined(separator: ", ")).")
  var problem: String

  @Option(help: "Method: \(Method.allCases.map(\.rawValue).joined(separator: ", ")) (default: \(SolverOptions().method.rawValue)).")
  var method: String = SolverOptions().method.rawValue

  @Option(help: "Relative tolerance (> 0).")
  var rtol: String = "1e-6"

  @Option(help: "Absolute tolerance (≥ 0; default: the test set's atol_factor × rtol).")
  var atol: String?

  @Option(name: .customLong("save-at"), help: "Comma-separated output times (default: every step).")
  var saveAt: String?

  @Option(help: "Output CSV file (default: standard output).")
  var out: String?

  @Option(name: .customLong("max-steps"), help: "Maximum number of step attempts.")
  var maxSteps: Int = 1_000_000

  func run() throws {
    let problem = try ListParsing.problem(self.problem, flag: "--problem")
    let method = try ListParsing.method(self.method, flag: "--method")
    let rtol = try ListParsing.tolerances(self.rtol, flag: "--rtol")
    guard rtol.count == 1 else { throw InputError("--rtol: give one value") }
    var tolerances = problem.tolerances(rtol: rtol[0])
    if let atol {
      let values = try ListParsing.doubles(atol, flag: "--atol")
      guard values.count == 1, values[0] >= 0 else { throw InputError("--atol: give one value ≥ 0") }
      tolerances.absolute = values
    }
    guard maxSteps > 0 else { throw InputError("--max-steps: must be positive") }
    if let out { try AtomicFile.checkWritable(out, flag: "--out") }

    var options = SolverOptions(method: method, tolerances: tolerances)
    options.maxSteps = maxSteps
    if let saveAt {
      let times = try ListParsing.doubles(saveAt, flag: "--save-at")
      for time in times where time < problem.t0 || time > problem.tEnd {
        throw InputError("--save-at: \(time) lies outside [\(problem.t0), \(problem.tEnd)]")
      }
      options.saving = .at(times)
    }
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                         options: options)

    var text = CSV.row(["t"] + (1...problem.system.dimension).map { "y\($0)" })
    for (index, time) in solution.times.enumerated() {
      text += CSV.row([CSV.number(time)] + solution.state(at: index).map(CSV.number))
    }
    if let out {
      try AtomicFile(path: out).write(text)
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
    var report = "\(problem.name) with \(method.rawValue), rtol \(tolerances.relative[0]), atol \(tolerances.absolute[0]): \(solution.returnCode)\n"
    report += StatisticsTable.text(solution.statistics)
    FileHandle.standardError.write(Data(report.utf8))
    if !solution.returnCode.isSuccess { throw ExitCode(1) }
  }
}

/// The counters of a solve as an aligned two-column table (from ``SolverStatistics/counters``).
enum StatisticsTable {
  static func text(_ statistics: SolverStatistics) -> String {
    let width = SolverStatistics.counters.map(\.label.count).max() ?? 0
    var lines = SolverStatistics.counters.map { counter in
      counter.label.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
        + String(statistics[keyPath: counter.keyPath])
    }
    lines.append("initial step size".padding(toLength: width, withPad: " ", startingAt: 0) + "  \(statistics.initialStepSize)")
    lines.append("last step size".padding(toLength: width, withPad: " ", startingAt: 0) + "  \(statistics.lastStepSize)")
    return lines.joined(separator: "\n") + "\n"
  }
}
