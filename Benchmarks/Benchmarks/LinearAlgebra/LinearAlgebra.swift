import Benchmark
import NadsimLinearAlgebra

/// Factor + one solve of a dense n×n Newton matrix, through the Swift kernels and through LAPACK
/// (dgetrf/dgetrs), for the sizes of kinetic models. Where the two cross decides
/// `DenseLU.nativeLimit`.
let benchmarks: @Sendable () -> Void = {
  for n in [4, 8, 16, 24, 32, 48, 64, 96] {
    for forceLAPACK in [false, true] {
      Benchmark(
        "dense-lu/n=\(n)/\(forceLAPACK ? "lapack" : "swift")",
        configuration: .init(metrics: [.wallClock, .instructions], scalingFactor: .kilo, maxDuration: .seconds(1))
      ) { benchmark in
        let solver = DenseLU(dimension: n, forceLAPACK: forceLAPACK)
        let jacobian = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
        let rhs = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { jacobian.deallocate(); rhs.deallocate() }
        // A diagonally dominant test matrix (deterministic).
        for j in 0..<n { for i in 0..<n { jacobian[i + j * n] = i == j ? -4 : Double((i * 7 + j * 3) % 5) * 0.1 } }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
          _ = solver.factor(jacobian: jacobian, diagonal: 1, scale: 1)
          for i in 0..<n { rhs[i] = 1 }
          solver.solve(rhs)
          blackHole(rhs[0])
        }
        benchmark.stopMeasurement()
      }
    }
  }

  for n in [20, 40, 80] {
    Benchmark("banded-lu/n=\(n)/kl=ku=1", configuration: .init(metrics: [.wallClock], scalingFactor: .kilo, maxDuration: .seconds(1))) { benchmark in
      let solver = BandedLU(dimension: n, lower: 1, upper: 1)
      let jacobian = UnsafeMutablePointer<Double>.allocate(capacity: 3 * n)
      let rhs = UnsafeMutablePointer<Double>.allocate(capacity: n)
      defer { jacobian.deallocate(); rhs.deallocate() }
      let view = MatrixView(base: jacobian, dimension: n, structure: .banded(lower: 1, upper: 1))
      for i in 0..<n {
        view[i, i] = -2
        if i > 0 { view[i, i - 1] = 1 }
        if i < n - 1 { view[i, i + 1] = 1 }
      }
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        _ = solver.factor(jacobian: jacobian, diagonal: 1, scale: 1)
        for i in 0..<n { rhs[i] = 1 }
        solver.solve(rhs)
        blackHole(rhs[0])
      }
      benchmark.stopMeasurement()
    }
  }
}
