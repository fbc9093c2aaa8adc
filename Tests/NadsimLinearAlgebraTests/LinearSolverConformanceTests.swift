import Testing
import NadsimTestSupport
@testable import NadsimLinearAlgebra

/// One conformance suite run against every linear solver (as SUNDIALS' test_sunlinsol does).
/// Expected solutions are computed by hand from the stated matrices, not by the code under test.
@Suite("Linear solvers")
struct LinearSolverConformanceTests {
  /// J for a 4×4 tridiagonal matrix with entries (−1, 2, −1); M = d·I − s·J.
  static func tridiagonal(_ solver: LinearSolver) -> UnsafeMutablePointer<Double> {
    let n = solver.dimension
    let count = solver.structure.storageCount(dimension: n)
    let storage = UnsafeMutablePointer<Double>.allocate(capacity: count)
    storage.initialize(repeating: 0, count: count)
    let view = MatrixView(base: storage, dimension: n, structure: solver.structure)
    for i in 0..<n {
      view[i, i] = 2
      if i > 0 { view[i, i - 1] = -1 }
      if i < n - 1 { view[i, i + 1] = -1 }
    }
    return storage
  }

  static let solvers: [() -> LinearSolver] = [
    { DenseLU(dimension: 4) },
    { DenseLU(dimension: 4, forceLAPACK: true) },
    { BandedLU(dimension: 4, lower: 1, upper: 1) },
    { BandedLU(dimension: 4, lower: 2, upper: 1) },
    { SparseLU(pattern: SparsityPattern(dimension: 4, entries: [(1, 0), (0, 1), (2, 1), (1, 2), (3, 2), (2, 3)])) },
    { SparseLU(pattern: SparsityPattern(dimension: 4, entries: [(1, 0), (0, 1), (2, 1), (1, 2), (3, 2), (2, 3)]),
               ordering: false) },
    // A pattern with more entries than the matrix has: stored zeros must do no harm.
    { SparseLU(pattern: SparsityPattern(dimension: 4, entries: [(1, 0), (0, 1), (2, 1), (1, 2), (3, 2), (2, 3), (3, 0), (0, 3)])) },
  ]

  @Test("M = 0·I − (−1)·T solves T x = b for the (−1, 2, −1) matrix", arguments: 0..<7)
  func solvesTridiagonal(index: Int) {
    let solver = Self.solvers[index]()
    let J = Self.tridiagonal(solver)
    defer { J.deallocate() }
    // With diagonal 0 and scale −1, M = T. T·(1,2,3,4) = (0, 0, 0, 5) by hand.
    #expect(solver.factor(jacobian: J, diagonal: 0, scale: -1))
    var b: [Double] = [0, 0, 0, 5]
    b.withUnsafeMutableBufferPointer { solver.solve($0.baseAddress!) }
    for (x, expected) in zip(b, [1.0, 2, 3, 4]) { #expect(abs(x - expected) < 1e-13) }
    #expect(solver.factorizations == 1)
    #expect(solver.solves == 1)
  }

  @Test("M = 3·I − 1·T, a shifted matrix, solved correctly", arguments: 0..<7)
  func solvesShifted(index: Int) {
    let solver = Self.solvers[index]()
    let J = Self.tridiagonal(solver)
    defer { J.deallocate() }
    // M = 3I − T has diagonal 1 and off-diagonals +1. M·(1,−1,1,−1) = (0, 1, −1, 0) by hand.
    #expect(solver.factor(jacobian: J, diagonal: 3, scale: 1))
    var b: [Double] = [0, 1, -1, 0]
    b.withUnsafeMutableBufferPointer { solver.solve($0.baseAddress!) }
    for (x, expected) in zip(b, [1.0, -1, 1, -1]) { #expect(abs(x - expected) < 1e-13) }
  }

  @Test("a singular matrix is reported, not solved", arguments: 0..<7)
  func reportsSingular(index: Int) {
    let solver = Self.solvers[index]()
    let J = Self.tridiagonal(solver)
    defer { J.deallocate() }
    // M = 0·I − 0·T is the zero matrix.
    #expect(!solver.factor(jacobian: J, diagonal: 0, scale: 0))
  }

  @Test("Swift kernels and LAPACK both recover a constructed x from M x on random systems of order 1…40")
  func nativeMatchesLAPACK() {
    var generator = SplitMix64(seed: 7)
    for n in [1, 2, 3, 5, 8, 13, 20, 33, 40] {
      let native = DenseLU(dimension: n)
      let lapack = DenseLU(dimension: n, forceLAPACK: true)
      let J = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
      defer { J.deallocate() }
      for k in 0..<(n * n) { J[k] = generator.uniform() * 2 - 1 }
      let x = (0..<n).map { _ in generator.uniform() * 2 - 1 }
      // b = M x with M = 1·I − 1·J, computed directly from the definition.
      var b = [Double](repeating: 0, count: n)
      for i in 0..<n {
        b[i] = x[i]
        for j in 0..<n { b[i] -= J[i + j * n] * x[j] }
      }
      #expect(native.factor(jacobian: J, diagonal: 1, scale: 1))
      #expect(lapack.factor(jacobian: J, diagonal: 1, scale: 1))
      var b1 = b, b2 = b
      b1.withUnsafeMutableBufferPointer { native.solve($0.baseAddress!) }
      b2.withUnsafeMutableBufferPointer { lapack.solve($0.baseAddress!) }
      let scale = Double(n) * (1 + x.map(abs).max()!) * 1e-12 * 50
      for i in 0..<n {
        #expect(abs(b1[i] - x[i]) <= scale, "n = \(n) native")
        #expect(abs(b2[i] - x[i]) <= scale, "n = \(n) LAPACK")
      }
    }
  }
}
