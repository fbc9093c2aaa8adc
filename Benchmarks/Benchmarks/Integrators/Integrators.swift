import Benchmark
import NadsimODE
import NadsimProblems

/// One benchmark per stiff test problem × method at rtol 1e-6 (test-set atol convention): wall
/// time and mallocs per solve (the integrator is built once, as a sweep would), plus the work
/// counters and the accuracy reached as custom metrics.
let benchmarks: @Sendable () -> Void = {
  let rhsMetric = BenchmarkMetric.custom("rhs_evaluations", polarity: .prefersSmaller)
  let stepsMetric = BenchmarkMetric.custom("steps", polarity: .prefersSmaller)
  let mescdMetric = BenchmarkMetric.custom("mescd_x100", polarity: .prefersLarger)

  for problem in TestProblem.stiffTestSet {
    for method in Method.allCases {
      let tolerances = problem.tolerances(rtol: 1e-6)
      var options = SolverOptions(method: method, tolerances: tolerances)
      options.saving = .finalOnly
      Benchmark(
        "\(problem.name)/\(method.rawValue)/rtol=1e-6",
        configuration: .init(
          metrics: [.wallClock, .mallocCountTotal, rhsMetric, stepsMetric, mescdMetric],
          maxDuration: .seconds(1), maxIterations: 2_000)
      ) { benchmark in
        let integrator = Integrator(system: problem.system, options: options)
        var last: Solution? = nil
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
          last = integrator.solve(from: problem.t0, y0: problem.y0, to: problem.tEnd)
          blackHole(last)
        }
        benchmark.stopMeasurement()
        if let last {
          benchmark.measurement(rhsMetric, last.statistics.rhsEvaluations)
          benchmark.measurement(stepsMetric, last.statistics.steps)
          let mescd = AccuracyMeasures.mescd(last.finalState, reference: problem.reference,
                                             rtol: 1e-6, atol: tolerances.absolute[0])
          benchmark.measurement(mescdMetric, Int((mescd * 100).rounded()))
        }
      }
    }
  }
}
