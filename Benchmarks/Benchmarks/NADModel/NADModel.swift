import Benchmark
import Foundation
import NadsimModel
import NadsimODE

/// The human NAD+ model (Models/nad-human.yaml, 67 states): one 28-day run of 500 mg oral NMN
/// twice daily, and one topical application (4,000 ppm NMN serum, 2 mg/cm² on 400 cm², washed
/// off at 12 h, 48 h run), at rtol 1e-6. Each iteration is a whole run: untreated steady state,
/// 56 (or 2) dose stops, output every hour. The model is compiled once, as a sweep would.
let benchmarks: @Sendable () -> Void = {
  let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models/nad-human.yaml").path
  let model = try! ModelLoader.load(path: path)
  // Automatic layout (sparse LU since issue 6), and the dense layout for comparison.
  let simulators: [(String, Simulator)] = [
    ("", Simulator(try! CompiledModel(model))),
    ("/dense-lu", Simulator(try! CompiledModel(model, jacobianLayout: .dense))),
  ]
  let stepsMetric = BenchmarkMetric.custom("steps", polarity: .prefersSmaller)
  let configuration = Benchmark.Configuration(metrics: [.wallClock, stepsMetric], maxDuration: .seconds(3), maxIterations: 200)
  let runs: [(String, [String], Double)] = [
    ("oral NMN 500 mg twice daily, 28 days", ["oral:NMN:500mg@0x56/12h"], 28 * 24),
    ("topical NMN 4000 ppm, one application, 48 h",
     ["topical:NMN:800mg@0,concentration_ppm=4000,applied_mg_per_cm2=2,area_cm2=400,contact_h=12"], 48),
  ]
  for (name, doses, hours) in runs {
    for method in [Method.auto, .rodas5p, .bdf] {
      for (layout, simulator) in simulators {
        Benchmark("nad-human/\(name)/\(method.rawValue)\(layout)/rtol=1e-6", configuration: configuration) { benchmark in
          var request = SimulationRequest(durationHours: hours)
          request.everyHours = 1
          request.method = method
          request.tolerances = Tolerances(relative: 1e-6, absolute: 1e-9)
          request.regimen = try! DoseFlag.regimen(doses, flag: "--dose")
          var steps = 0
          benchmark.startMeasurement()
          for _ in benchmark.scaledIterations {
            let t = try! simulator.run(request)
            steps = t.statistics.steps
            blackHole(t)
          }
          benchmark.stopMeasurement()
          benchmark.measurement(stepsMetric, steps)
        }
      }
    }
  }
}
