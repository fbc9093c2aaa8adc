import Benchmark
import NadsimLinearAlgebra

/// Factor + one solve of a dense n×n Newton matrix, through the Swift kernels and through LAPACK
/// (dgetrf/dgetrs), for the sizes of kinetic models. Where the two cross decides
/// `DenseLU.nativeLimit`. Sparse LU against dense LU on kinetic-like sparse patterns (about three
/// off-diagonal entries per column), which sets `CompiledModel.sparseMinimumDimension`.
let benchmarks: @Sendable () -> Void = {
  for n in [8, 16, 24, 32, 48, 67, 96, 200] {
    // Pattern: each species feeds the next, one a few places on, and one pseudo-random other.
    var entries: [(row: Int, column: Int)] = []
    for j in 0..<n {
      entries.append(((j + 1) % n, j))
      entries.append(((j + 5) % n, j))
      entries.append(((j * 37 + 11) % n, j))
    }
    let pattern = SparsityPattern(dimension: n, entries: entries)
    for variant in ["sparse", "sparse-dense-input", "dense"] {
      Benchmark(
        "kinetic-pattern/n=\(n)/\(variant)",
        configuration: .init(metrics: [.wallClock, .instructions], scalingFactor: .kilo, maxDuration: .seconds(1))
      ) { benchmark in
        // Column diagonally dominant values (as mass-action Jacobians are).
        let values = UnsafeMutablePointer<Double>.allocate(capacity: pattern.count)
        let full = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
        let rhs = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { values.deallocate(); full.deallocate(); rhs.deallocate() }
        full.initialize(repeating: 0, count: n * n)
        for j in 0..<n {
          for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
            let i = pattern.rowIndices[p]
            values[p] = i == j ? -4 : 0.3 + 0.1 * Double((i + 2 * j) % 5)
            full[i + j * n] = values[p]
          }
        }
        let sparse = SparseLU(pattern: pattern)
        let dense = DenseLU(dimension: n)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
          switch variant {
          case "sparse": _ = sparse.factor(jacobian: values, diagonal: 1, scale: 1)
          case "sparse-dense-input": _ = sparse.factor(denseJacobian: full, diagonal: 1, scale: 1)
          default: _ = dense.factor(jacobian: full, diagonal: 1, scale: 1)
          }
          for i in 0..<n { rhs[i] = 1 }
          if variant == "dense" { dense.solve(rhs) } else { sparse.solve(rhs) }
          blackHole(rhs[0])
        }
        benchmark.stopMeasurement()
      }
    }
  }

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
