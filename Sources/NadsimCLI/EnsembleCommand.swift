import ArgumentParser
import Dispatch
import Foundation
import NadsimModel
import NadsimODE
import NadsimSweep

/// `nadsim ensemble`: one model, many parameter sets, final states. The ensemble integrator
/// (``EnsembleRosenbrock``, Rodas5P on four scenarios per SIMD batch) or, for comparison in the
/// same process, a scalar method one scenario at a time.
struct EnsembleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ensemble",
    abstract: "Solve one model for many parameter sets; write the final states.",
    discussion: """
      SETS.csv has a header `sample,<names>` (model parameters or covariates) and one row per \
      scenario. FINAL.csv gets `sample,<species>` with each scenario's state at --until (in the \
      model's time unit), rows in the order of SETS.csv; it does not depend on --jobs.

      --method ensemble (default; also ensemble-rodas5p) solves four scenarios at a time in SIMD \
      lanes with Rodas5P, ensemble-bdf with BDF; each lane has its own steps, and a lane that \
      finishes takes the next row. A scenario whose lane fails is solved again alone with the \
      lanes' method. Any other method (rodas5p, bdf, ...) solves the scenarios one at a time. Rows go to the --jobs threads one at a time, as they ask.

      One JSON line on stdout: method, solves, jobs, best_seconds (the fastest of --repeats runs \
      of all solves, without reading files or compiling), solves_per_second, failed, rescued.

      Example: nadsim ensemble --model Models/testset/hires.yaml --parameters sets.csv \
      --until 321.8122 --rtol 1e-6 --atol 1e-10 --jobs 2 --out final.csv
      """)

  @Option(help: "Model file.")
  var model: String

  @Option(help: "Parameter sets (CSV: sample,<parameter names>).")
  var parameters: String

  @Option(help: "Final time, in the model's time unit.")
  var until: String

  @Option(help: "Relative tolerance (> 0).")
  var rtol: String = "1e-6"

  @Option(help: "Absolute tolerance (≥ 0).")
  var atol: String = "1e-10"

  @Option(help: "ensemble (Rodas5P in lanes), ensemble-rodas5p, ensemble-bdf, or a scalar method: \(Method.allCases.map(\.rawValue).joined(separator: ", ")).")
  var method: String = "ensemble"

  @Option(help: "Worker threads. Output does not depend on it.")
  var jobs: Int = 1

  @Option(help: "Times to run all solves; the fastest run is reported.")
  var repeats: Int = 1

  @Option(name: .customLong("max-steps"), help: "Maximum number of step attempts per solve (per batch for ensemble).")
  var maxSteps: Int = 1_000_000

  @Option(help: "Output CSV of final states.")
  var out: String

  func run() throws {
    let tEnd = try ListParsing.doubles(until, flag: "--until")
    guard tEnd.count == 1, tEnd[0] > 0 else { throw InputError("--until: give one time > 0") }
    let rtol = try ListParsing.tolerances(self.rtol, flag: "--rtol")
    let atol = try ListParsing.doubles(self.atol, flag: "--atol")
    guard rtol.count == 1 else { throw InputError("--rtol: give one value") }
    guard atol.count == 1, atol[0] >= 0 else { throw InputError("--atol: give one value ≥ 0") }
    // Lanes: "ensemble" (Rodas5P) or "ensemble-rodas5p", "ensemble-bdf"; otherwise a scalar method.
    let laneMethod: Method? = method.lowercased() == "ensemble" ? .rodas5p : SweepArguments.laneMethod(method)
    let scalarMethod: Method? = laneMethod == nil ? try ListParsing.method(method, flag: "--method") : nil
    guard jobs >= 1 else { throw InputError("--jobs \(jobs): expected a whole number ≥ 1") }
    guard repeats >= 1 else { throw InputError("--repeats \(repeats): expected a whole number ≥ 1") }
    guard maxSteps > 0 else { throw InputError("--max-steps: must be positive") }
    try AtomicFile.checkWritable(out, flag: "--out")

    let loaded: Model
    do { loaded = try ModelLoader.load(path: model) } catch let error as ModelError { throw InputError(error.description) }
    let sets = try ParameterSets(path: parameters, model: loaded)
    if let free = loaded.species.first(where: { $0.initial == nil }) {
      throw InputError("--model \(model): species \(free.name) has no initial value; ensemble runs need every initial value (steady-state baselines are not supported)")
    }
    let y0 = loaded.species.map { $0.initial! }
    let tolerances = Tolerances(relative: rtol[0], absolute: atol[0])

    let scenarioCount = sets.constants.count
    let jobCount = max(1, min(jobs, scenarioCount))
    let workers: [EnsembleWorker]
    do {
      workers = try (0..<jobCount).map { _ in
        try EnsembleWorker(compiled: CompiledModel(loaded), lanes: laneMethod, scalar: scalarMethod,
                           tolerances: tolerances, maxSteps: maxSteps)
      }
    } catch let error as ModelError {
      throw InputError(error.description)
    }

    let n = loaded.species.count
    var finals = [Double](repeating: .nan, count: scenarioCount * n)
    var codes = [ReturnCode](repeating: .success, count: scenarioCount)
    var rescued = [Bool](repeating: false, count: scenarioCount)
    var best = Double.infinity
    for _ in 0..<repeats {
      for worker in workers { worker.statistics = SolverStatistics(); worker.fallbacks = 0 }
      let start = DispatchTime.now().uptimeNanoseconds
      finals.withUnsafeMutableBufferPointer { finals in
        codes.withUnsafeMutableBufferPointer { codes in
          rescued.withUnsafeMutableBufferPointer { rescued in
            let output = EnsembleOutput(finals: finals.baseAddress!, codes: codes.baseAddress!,
                                        rescued: rescued.baseAddress!)
            // Rows are handed out one at a time to whichever thread asks first; each row's result
            // depends only on the row, so the output does not depend on the order.
            let queue = RowQueue(count: scenarioCount)
            DispatchQueue.concurrentPerform(iterations: jobCount) { job in
              workers[job].solve(queue, constants: sets.constants, y0: y0, tEnd: tEnd[0], into: output)
            }
          }
        }
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
      best = min(best, seconds)
    }

    var text = CSV.row(["sample"] + loaded.species.map(\.name))
    for (row, sample) in sets.samples.enumerated() {
      text += CSV.row([sample] + (0..<n).map { CSV.number(finals[row * n + $0]) })
    }
    try AtomicFile(path: out).write(text)

    let failed = codes.filter { !$0.isSuccess }.count
    for (row, code) in codes.enumerated() where !code.isSuccess {
      FileHandle.standardError.write(Data("sample \(sets.samples[row]): \(code)\n".utf8))
    }
    let name = method.lowercased()
    let totals = workers.map(\.statistics).reduce(SolverStatistics()) { $0.merged(with: $1) }
    let line = "{\"method\":\"\(name)\",\"solves\":\(scenarioCount),\"jobs\":\(jobCount),\"best_seconds\":\(best),"
      + "\"solves_per_second\":\(Double(scenarioCount) / best),\"failed\":\(failed),\"rescued\":\(rescued.filter { $0 }.count),"
      + "\"steps\":\(totals.steps),\"accepted_steps\":\(totals.acceptedSteps),\"rhs_evaluations\":\(totals.rhsEvaluations),"
      + "\"lu_factorizations\":\(totals.luFactorizations),\"pivoting_fallbacks\":\(workers.map(\.fallbacks).reduce(0, +))}\n"
    FileHandle.standardOutput.write(Data(line.utf8))
    if failed > 0 { throw ExitCode(1) }
  }
}

/// Hands out row numbers 0..<count, each once, to any number of threads.
final class RowQueue: @unchecked Sendable {
  private let lock = NSLock()
  private var nextRow = 0
  let count: Int
  init(count: Int) { self.count = count }
  func next() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard nextRow < count else { return nil }
    nextRow += 1
    return nextRow - 1
  }
}

/// Where workers put their results: disjoint rows of preallocated arrays.
private struct EnsembleOutput: @unchecked Sendable {
  let finals: UnsafeMutablePointer<Double>
  let codes: UnsafeMutablePointer<ReturnCode>
  let rescued: UnsafeMutablePointer<Bool>
}

/// One thread's solvers, built before the timed runs: the ensemble integrator on a
/// ``ModelEnsemble`` (ensemble method), and a scalar integrator on one scenario's inputs (the scalar
/// method, or Rodas5P to solve failed lanes again).
private final class EnsembleWorker: @unchecked Sendable {
  let compiled: CompiledModel
  let ensemble: (model: ModelEnsemble, integrator: EnsembleIntegrator)?
  let scalar: Integrator
  let inputs: UnsafeMutablePointer<Double>
  /// Counters of this worker's solves (batches for the ensemble, scenarios for a scalar method,
  /// plus scalar re-runs of failed lanes), summed.
  var statistics = SolverStatistics()
  var fallbacks = 0

  /// - Parameters:
  ///   - lanes: the lanes' method (bdf or rodas5p), or nil to solve one scenario at a time with
  ///     `scalar`.
  init(compiled: CompiledModel, lanes: Method?, scalar method: Method?, tolerances: Tolerances, maxSteps: Int) {
    self.compiled = compiled
    if let lanes {
      let model = ModelEnsemble(compiled)
      var options = EnsembleOptions(tolerances: tolerances)
      options.maxSteps = maxSteps
      let integrator: EnsembleIntegrator = lanes == .bdf ? EnsembleBDF(system: model.system, options: options)
        : EnsembleRosenbrock(system: model.system, options: options)
      ensemble = (model, integrator)
    } else {
      ensemble = nil
    }
    inputs = .allocate(capacity: compiled.inputCount)
    inputs.initialize(repeating: 0, count: compiled.inputCount)
    var options = SolverOptions(method: method ?? lanes ?? .rodas5p, tolerances: tolerances)
    options.saving = .finalOnly
    options.maxSteps = maxSteps
    scalar = Integrator(system: compiled.system(inputs: inputs), options: options)
  }

  deinit { inputs.deallocate() }

  func solve(_ queue: RowQueue, constants: [[Double]], y0: [Double], tEnd: Double, into output: EnsembleOutput) {
    if let (model, integrator) = ensemble {
      let workload = Workload(queue: queue, model: model, constants: constants, y0: y0, tEnd: tEnd)
      workload.onFinish = { row, result in
        self.statistics = self.statistics.merged(with: result.statistics)
        self.fallbacks += result.pivotingFallbacks
        if result.returnCode.isSuccess {
          output.codes[row] = .success
          output.rescued[row] = false
          for i in 0..<result.finalState.count { output.finals[row * result.finalState.count + i] = result.finalState[i] }
        } else {
          output.rescued[row] = true
          self.solveAlone(row: row, constants: constants[row], y0: y0, tEnd: tEnd, into: output)
        }
      }
      integrator.run(workload)
    } else {
      while let row = queue.next() {
        output.rescued[row] = false
        solveAlone(row: row, constants: constants[row], y0: y0, tEnd: tEnd, into: output)
      }
    }
  }

  /// Rows from the queue as ensemble tasks, each from the same initial state to tEnd.
  private final class Workload: EnsembleWorkload {
    let queue: RowQueue
    let model: ModelEnsemble
    let constants: [[Double]]
    let y0: [Double]
    let tEnd: Double
    var onFinish: (Int, LaneResult) -> Void = { _, _ in }

    init(queue: RowQueue, model: ModelEnsemble, constants: [[Double]], y0: [Double], tEnd: Double) {
      self.queue = queue
      self.model = model
      self.constants = constants
      self.y0 = y0
      self.tEnd = tEnd
    }

    func start(lane: Int, state: UnsafeMutablePointer<Double>) -> LaneTask? {
      guard let row = queue.next() else { return nil }
      model.setConstants(constants[row], lane: lane)
      for i in y0.indices { state[i] = y0[i] }
      return LaneTask(id: row, t0: 0, tEnd: tEnd)
    }

    func stop(_ task: LaneTask, lane: Int, at time: Double, state: UnsafeMutablePointer<Double>) {}
    func save(_ task: LaneTask, lane: Int, index: Int, time: Double, state: UnsafePointer<Double>) {}
    func finish(_ task: LaneTask, lane: Int, result: LaneResult) { onFinish(task.id, result) }
  }

  private func solveAlone(row: Int, constants: [Double], y0: [Double], tEnd: Double, into output: EnsembleOutput) {
    let n = compiled.stateCount
    for (k, value) in constants.enumerated() { inputs[1 + n + k] = value }
    let solution = scalar.solve(from: 0, y0: y0, to: tEnd)
    statistics = statistics.merged(with: solution.statistics)
    output.codes[row] = solution.returnCode
    for i in 0..<n { output.finals[row * n + i] = solution.returnCode.isSuccess ? solution.finalState[i] : .nan }
  }
}

/// The scenarios of a parameter-set file: sample names and each row's constants.
struct ParameterSets {
  var samples: [String] = []
  /// Per row, ``ScenarioConstants/values`` (``Model/constantNames`` order).
  var constants: [[Double]] = []

  init(path: String, model: Model) throws {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw InputError("--parameters \(path): cannot read the file")
    }
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
      .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
    while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
    guard let header = lines.first else { throw InputError("--parameters \(path): the file is empty") }
    let names = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard names.first == "sample" else {
      throw InputError("--parameters \(path): the header must start with 'sample', then parameter names")
    }
    let columns = Array(names.dropFirst())
    var seen = Set<String>()
    for name in columns {
      guard seen.insert(name).inserted else { throw InputError("--parameters \(path): column \(name) appears twice") }
      guard model.parameters.contains(where: { $0.name == name }) || model.covariates.contains(where: { $0.name == name })
      else {
        throw InputError("--parameters \(path): \(name) is neither a parameter nor a covariate of the model; parameters: \(model.parameters.map(\.name).joined(separator: ", "))")
      }
    }
    for (index, line) in lines.enumerated().dropFirst() {
      if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard fields.count == names.count else {
        throw InputError("--parameters \(path), line \(index + 1): \(fields.count) fields; the header has \(names.count)")
      }
      var parameters: [String: Double] = [:]
      var covariates: [String: Double] = [:]
      for (name, field) in zip(columns, fields.dropFirst()) {
        guard let value = Double(field), value.isFinite else {
          throw InputError("--parameters \(path), line \(index + 1): \(name) = '\(field)' is not a finite number")
        }
        if model.parameters.contains(where: { $0.name == name }) { parameters[name] = value } else { covariates[name] = value }
      }
      do {
        constants.append(try ScenarioConstants(model: model, covariates: covariates, parameters: parameters).values)
      } catch let error as ModelError {
        throw InputError("--parameters \(path), line \(index + 1): \(error.description)")
      }
      samples.append(fields[0])
    }
    guard !samples.isEmpty else { throw InputError("--parameters \(path): no parameter sets") }
  }
}
