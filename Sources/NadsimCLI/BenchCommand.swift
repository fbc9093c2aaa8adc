import ArgumentParser
import Foundation
import NadsimSweep
import NadsimODE
import NadsimProblems

/// `nadsim bench`: a work-precision table of the built-in problems.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time methods on built-in problems across tolerances (work-precision CSV).",
    discussion: """
      One row per problem × method × rtol: median and minimum wall time of one solve (timed inside \
      the process around the solve only; the method's workspace is built once per row), every \
      counter, the status, the test set's accuracy measures scd and mescd at the final time, and \
      the final state (values separated by ';'). atol follows the test set's convention \
      (atol_factor × rtol).

      Example: nadsim bench --problems hires,rober --methods rodas5p,bdf --rtols 1e-6,1e-8 --out wp.csv
      """)

  @Option(help: "Comma-separated problems (default: the five stiff test-set problems).")
  var problems: String = TestProblem.stiffTestSet.map(\.name).joined(separator: ",")

  @Option(help: "Comma-separated methods (default: all).")
  var methods: String = Method.allCases.map(\.rawValue).joined(separator: ",")

  @Option(help: "Comma-separated relative tolerances.")
  var rtols: String = "1e-4,1e-6,1e-8,1e-10"

  @Option(help: "Timed solves per row (≥ 1); median and minimum are reported.")
  var repeats: Int = 10

  @Option(help: "Output CSV file (default: standard output).")
  var out: String?

  @Flag(help: "Also print a readable table on stderr.")
  var verbose = false

  func run() throws {
    let problems = try ListParsing.problems(self.problems, flag: "--problems")
    let methods = try ListParsing.methods(self.methods, flag: "--methods")
    let rtols = try ListParsing.tolerances(self.rtols, flag: "--rtols")
    guard repeats >= 1 else { throw InputError("--repeats: must be at least 1 (got \(repeats))") }
    if let out { try AtomicFile.checkWritable(out, flag: "--out") }

    var text = CSV.row(
      ["problem", "method", "rtol", "atol", "repeats", "median_s", "min_s"]
        + SolverStatistics.counters.map(\.csvName) + ["status", "scd", "mescd", "final_state"])
    for problem in problems {
      for method in methods {
        for rtol in rtols {
          let row = Self.measure(problem: problem, method: method, rtol: rtol, repeats: repeats)
          text += CSV.row(row.fields)
          if verbose {
            FileHandle.standardError.write(Data(row.summary.utf8))
          }
        }
      }
    }
    if let out {
      try AtomicFile(path: out).write(text)
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }

  struct Row {
    var fields: [String]
    var summary: String
  }

  static func measure(problem: TestProblem, method: Method, rtol: Double, repeats: Int) -> Row {
    let tolerances = problem.tolerances(rtol: rtol)
    var options = SolverOptions(method: method, tolerances: tolerances)
    options.saving = .finalOnly
    options.maxSteps = 2_000_000
    let integrator = Integrator(system: problem.system, options: options)
    var times: [Double] = []
    var solution = integrator.solve(from: problem.t0, y0: problem.y0, to: problem.tEnd)  // warm-up
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      solution = integrator.solve(from: problem.t0, y0: problem.y0, to: problem.tEnd)
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
    times.sort()
    let median = times.count % 2 == 1
      ? times[times.count / 2] : 0.5 * (times[times.count / 2 - 1] + times[times.count / 2])
    let atol = tolerances.absolute[0]
    let ok = solution.returnCode == .success
    let scd = ok ? AccuracyMeasures.scd(solution.finalState, reference: problem.reference) : .nan
    let mescd = ok
      ? AccuracyMeasures.mescd(solution.finalState, reference: problem.reference, rtol: rtol, atol: atol)
      : .nan
    let fields = [problem.name, method.rawValue, CSV.number(rtol), CSV.number(atol), String(repeats),
                  CSV.number(median), CSV.number(times[0])]
      + SolverStatistics.counters.map { String(solution.statistics[keyPath: $0.keyPath]) }
      + [solution.returnCode.word, CSV.number(scd), CSV.number(mescd),
         solution.finalState.map(CSV.number).joined(separator: ";")]
    let summary = String(format: "%-8@ %-8@ rtol %.0e  median %9.4f ms  mescd %5.2f  steps %d\n",
                         problem.name as NSString, method.rawValue as NSString, rtol, median * 1e3,
                         mescd, solution.statistics.steps)
    return Row(fields: fields, summary: summary)
  }
}
