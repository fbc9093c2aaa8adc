import Benchmark
import Foundation
import NadsimLinearAlgebra
import NadsimModel
import NadsimProblems

/// The compiled HIRES model file (Models/testset/hires.yaml) against the hand-written Swift
/// right-hand side and Jacobian (NadsimProblems.Hires): each iteration evaluates RHS + Jacobian
/// for 8 scenarios (8 states each, perturbed), so the batched lanes and the one-at-a-time paths
/// do the same work. Issue 3's targets: native scalar ≤ 1.5× hand-written; batched over ≥ 8
/// lanes ≤ 1× hand-written.
let benchmarks: @Sendable () -> Void = {
  let lanes = 8
  let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models/testset/hires.yaml").path
  var states: [[Double]] = []
  for l in 0..<lanes {
    let shift: Double = 1e-4 * Double(l)
    var y: [Double] = [1, 1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 2e-3, 5.7e-3]
    y[0] -= 100 * shift
    y[5] += shift
    y[7] -= shift
    states.append(y)
  }
  let configuration = Benchmark.Configuration(metrics: [.wallClock, .instructions], scalingFactor: .kilo,
                                              maxDuration: .seconds(1))

  Benchmark("hires-rhs+jacobian/hand-written/8 scenarios", configuration: configuration) { benchmark in
    let dy = UnsafeMutablePointer<Double>.allocate(capacity: 8)
    let J = UnsafeMutablePointer<Double>.allocate(capacity: 64)
    let y = UnsafeMutablePointer<Double>.allocate(capacity: 8 * lanes)
    for l in 0..<lanes { for i in 0..<8 { y[l * 8 + i] = states[l][i] } }
    J.initialize(repeating: 0, count: 64)
    let view = MatrixView(base: J, dimension: 8, structure: .dense)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      for l in 0..<lanes {
        Hires.rhs(y + l * 8, dy, Hires.standard)
        Hires.jacobian(y + l * 8, view, Hires.standard)
      }
      blackHole(dy[0] + J[0])
    }
    benchmark.stopMeasurement()
  }

  for backend in ["native", "interpreter"] {
    let model = try! ModelLoader.load(path: path)
    let compiled = try! CompiledModel(model, preferNative: backend == "native")
    let width = compiled.inputCount
    let constants = try! ScenarioConstants(model: model).values
    func fill(_ inputs: UnsafeMutablePointer<Double>, lane: Int, stride: Int, offset: Int) {
      for i in 0..<8 { inputs[(1 + i) * stride + offset] = states[lane][i] }
      for (k, v) in constants.enumerated() { inputs[(9 + k) * stride + offset] = v }
    }
    Benchmark("hires-rhs+jacobian/compiled-\(backend)/8 scenarios one at a time", configuration: configuration) { benchmark in
      let inputs = UnsafeMutablePointer<Double>.allocate(capacity: width * lanes)
      inputs.initialize(repeating: 0, count: width * lanes)
      for l in 0..<lanes { fill(inputs + l * width, lane: l, stride: 1, offset: 0) }
      let dy = UnsafeMutablePointer<Double>.allocate(capacity: 8)
      let jac = UnsafeMutablePointer<Double>.allocate(capacity: compiled.jacobianEntries.count)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        for l in 0..<lanes {
          compiled.rhs.evaluate(inputs: inputs + l * width, outputs: dy)
          compiled.jacobian.evaluate(inputs: inputs + l * width, outputs: jac)
        }
        blackHole(dy[0] + jac[0])
      }
      benchmark.stopMeasurement()
    }
    Benchmark("hires-rhs+jacobian/compiled-\(backend)/8 scenarios as 8 lanes", configuration: configuration) { benchmark in
      let inputs = UnsafeMutablePointer<Double>.allocate(capacity: width * lanes)
      inputs.initialize(repeating: 0, count: width * lanes)
      for l in 0..<lanes { fill(inputs, lane: l, stride: lanes, offset: l) }
      let dy = UnsafeMutablePointer<Double>.allocate(capacity: 8 * lanes)
      let jac = UnsafeMutablePointer<Double>.allocate(capacity: compiled.jacobianEntries.count * lanes)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        compiled.rhs.evaluate(lanes: lanes, inputs: inputs, outputs: dy)
        compiled.jacobian.evaluate(lanes: lanes, inputs: inputs, outputs: jac)
        blackHole(dy[0] + jac[0])
      }
      benchmark.stopMeasurement()
    }
  }
}
