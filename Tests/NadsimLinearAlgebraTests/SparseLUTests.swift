import Testing
import NadsimTestSupport
@testable import NadsimLinearAlgebra

/// SparseLU against its definition: residuals ‖M x − b‖ computed here from the stored entries
/// (not by the code under test), agreement with LAPACK's dense LU, the pivot test and its dense
/// fallback, and the symbolic phase (ordering and fill).
@Suite("Sparse LU")
struct SparseLUTests {
  /// A random pattern with about `perColumn` off-diagonal entries per column, not symmetric.
  static func randomPattern(_ n: Int, perColumn: Int, _ g: inout SplitMix64) -> SparsityPattern {
    var entries: [(row: Int, column: Int)] = []
    for j in 0..<n {
      for _ in 0..<perColumn { entries.append((Int(g.next() % UInt64(n)), j)) }
    }
    return SparsityPattern(dimension: n, entries: entries)
  }

  /// Random values on the pattern; with `dominant`, the diagonal of J is made −(1 + Σ|column|),
  /// so M = d·I − s·J (d ≥ 0, s > 0) is column diagonally dominant.
  static func randomValues(_ pattern: SparsityPattern, dominant: Bool, _ g: inout SplitMix64) -> [Double] {
    var values = (0..<pattern.count).map { _ in g.uniform() * 2 - 1 }
    if dominant {
      for j in 0..<pattern.dimension {
        var sum = 0.0
        for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] where pattern.rowIndices[p] != j {
          sum += abs(values[p])
        }
        values[pattern.position(j, j)!] = -(1 + sum)
      }
    }
    return values
  }

  /// M x for M = d·I − s·J with J stored on `pattern`.
  static func multiply(_ pattern: SparsityPattern, _ J: [Double], _ d: Double, _ s: Double, _ x: [Double]) -> [Double] {
    var y = x.map { d * $0 }
    for j in 0..<pattern.dimension {
      for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
        y[pattern.rowIndices[p]] -= s * J[p] * x[j]
      }
    }
    return y
  }

  /// Solves with SparseLU and with LAPACK dense LU on the same matrix; returns the relative
  /// residual of the sparse solution and the largest difference between the two solutions.
  static func compare(_ pattern: SparsityPattern, _ J: [Double], d: Double, s: Double, _ g: inout SplitMix64,
                      solver: SparseLU? = nil) -> (residual: Double, difference: Double, sparse: SparseLU) {
    let n = pattern.dimension
    let sparse = solver ?? SparseLU(pattern: pattern)
    let b = (0..<n).map { _ in g.uniform() * 2 - 1 }
    var x = b
    let ok = J.withUnsafeBufferPointer { sparse.factor(jacobian: $0.baseAddress!, diagonal: d, scale: s) }
    #expect(ok)
    x.withUnsafeMutableBufferPointer { sparse.solve($0.baseAddress!) }

    let dense = DenseLU(dimension: n, forceLAPACK: true)
    let Jd = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
    defer { Jd.deallocate() }
    let view = MatrixView(base: Jd, dimension: n, structure: .dense)
    view.zero()
    for j in 0..<n {
      for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] { view[pattern.rowIndices[p], j] = J[p] }
    }
    #expect(dense.factor(jacobian: Jd, diagonal: d, scale: s))
    var xd = b
    xd.withUnsafeMutableBufferPointer { dense.solve($0.baseAddress!) }

    let r = multiply(pattern, J, d, s, x)
    let residual = zip(r, b).map { abs($0 - $1) }.max()! / max(1, x.map(abs).max()!)
    let difference = zip(x, xd).map { abs($0 - $1) }.max()! / max(1, xd.map(abs).max()!)
    return (residual, difference, sparse)
  }

  @Test("random diagonally dominant sparse matrices, n = 5 … 300: residual and LAPACK agreement")
  func diagonallyDominant() {
    var g = SplitMix64(seed: 11)
    for n in [5, 17, 40, 67, 120, 300] {
      for perColumn in [1, 3, 6] {
        let pattern = Self.randomPattern(n, perColumn: perColumn, &g)
        let J = Self.randomValues(pattern, dominant: true, &g)
        for (d, s) in [(0.0, 1.0), (1e3, 1.0), (1.0, 0.1)] {
          let (residual, difference, sparse) = Self.compare(pattern, J, d: d, s: s, &g)
          #expect(residual < 1e-13, "n = \(n), \(perColumn)/column, d = \(d)")
          #expect(difference < 1e-12, "n = \(n), \(perColumn)/column, d = \(d)")
          #expect(sparse.denseFallbacks == 0, "diagonal dominance needs no fallback (n = \(n))")
        }
      }
    }
  }

  @Test("random non-symmetric sparse matrices without dominance: correct, with or without fallback")
  func nonDominant() {
    var g = SplitMix64(seed: 23)
    for n in [6, 30, 67, 150] {
      let pattern = Self.randomPattern(n, perColumn: 3, &g)
      for _ in 0..<5 {
        let J = Self.randomValues(pattern, dominant: false, &g)
        // d = 0.5: M is not dominant; the answer must be right with or without the fallback.
        let (residual, difference, _) = Self.compare(pattern, J, d: 0.5, s: 1, &g)
        #expect(residual < 1e-9, "n = \(n)")
        #expect(difference < 1e-8, "n = \(n)")
      }
    }
  }

  @Test("one solver refactorised many times with new values stays correct")
  func refactorisation() {
    var g = SplitMix64(seed: 5)
    let pattern = Self.randomPattern(67, perColumn: 3, &g)
    let sparse = SparseLU(pattern: pattern)
    for k in 0..<20 {
      let J = Self.randomValues(pattern, dominant: k % 3 != 0, &g)
      let (residual, difference, _) = Self.compare(pattern, J, d: 1 / (0.01 * Double(k + 1)), s: 1, &g, solver: sparse)
      #expect(residual < 1e-10)
      #expect(difference < 1e-9)
    }
    #expect(sparse.factorizations == 20)
    #expect(sparse.solves == 20)
  }

  @Test("a tiny pivot fails the test, falls back to dense LU, and the next good matrix is sparse again")
  func tinyPivotFallback() {
    // M = [[ε, 1], [1, 1]] (full pattern): the static pivot ε is tiny next to the 1 below it.
    // Exact solution of M x = (1, 2): x = (1/(1−ε), (1−2ε)/(1−ε)).
    let pattern = SparsityPattern(dimension: 2, entries: [(0, 1), (1, 0)])
    let sparse = SparseLU(pattern: pattern, ordering: false)
    let eps = 1e-14
    // J in CSC order (0,0), (1,0), (0,1), (1,1); M = 0·I − (−1)·J = J.
    var J = [eps, 1, 1, 1]
    #expect(J.withUnsafeBufferPointer { sparse.factor(jacobian: $0.baseAddress!, diagonal: 0, scale: -1) })
    #expect(sparse.lastFactorizationWasDense)
    #expect(sparse.denseFallbacks == 1)
    var b = [1.0, 2.0]
    b.withUnsafeMutableBufferPointer { sparse.solve($0.baseAddress!) }
    #expect(abs(b[0] - 1 / (1 - eps)) < 1e-15)
    #expect(abs(b[1] - (1 - 2 * eps) / (1 - eps)) < 1e-15)
    // Without the test, static pivoting on ε loses everything in x₁ = (2 − 1/ε)/(1 − 1/ε) … well
    // enough here, but x₀ = (1 − x₁)/ε amplifies the rounding of x₁ by 1e14.
    let unguarded = SparseLU(pattern: pattern, pivotThreshold: 0, ordering: false)
    #expect(J.withUnsafeBufferPointer { unguarded.factor(jacobian: $0.baseAddress!, diagonal: 0, scale: -1) })
    #expect(!unguarded.lastFactorizationWasDense)
    var c = [1.0, 2.0]
    c.withUnsafeMutableBufferPointer { unguarded.solve($0.baseAddress!) }
    #expect(abs(c[0] - 1) > 1e-6, "the unguarded static pivot is inaccurate (this is why the test exists)")

    J = [2, 1, 1, 3]
    #expect(J.withUnsafeBufferPointer { sparse.factor(jacobian: $0.baseAddress!, diagonal: 0, scale: -1) })
    #expect(!sparse.lastFactorizationWasDense)
    b = [3, 4]  // [[2, 1], [1, 3]] (1, 1) = (3, 4)
    b.withUnsafeMutableBufferPointer { sparse.solve($0.baseAddress!) }
    #expect(abs(b[0] - 1) < 1e-15 && abs(b[1] - 1) < 1e-15)
    #expect(sparse.denseFallbacks == 1)
  }

  @Test("a zero diagonal (structurally present) falls back; a singular matrix is reported")
  func zeroPivot() {
    // Permutation matrix [[0, 1, 0], [0, 0, 1], [1, 0, 0]]: every diagonal pivot is 0.
    let pattern = SparsityPattern(dimension: 3, entries: [(0, 1), (1, 2), (2, 0)])
    let sparse = SparseLU(pattern: pattern)
    var J = [Double](repeating: 0, count: pattern.count)
    J[pattern.position(0, 1)!] = 1
    J[pattern.position(1, 2)!] = 1
    J[pattern.position(2, 0)!] = 1
    #expect(J.withUnsafeBufferPointer { sparse.factor(jacobian: $0.baseAddress!, diagonal: 0, scale: -1) })
    var b = [1.0, 2, 3]  // x = (3, 1, 2)
    b.withUnsafeMutableBufferPointer { sparse.solve($0.baseAddress!) }
    #expect(b == [3, 1, 2])
    J[pattern.position(2, 0)!] = 0
    #expect(!J.withUnsafeBufferPointer { sparse.factor(jacobian: $0.baseAddress!, diagonal: 0, scale: -1) })
  }

  @Test("minimum degree orders an arrow matrix hub (nearly) last: no fill, natural order fills everything")
  func arrowOrdering() {
    let n = 30
    var entries: [(row: Int, column: Int)] = []
    for i in 1..<n {
      entries.append((0, i))
      entries.append((i, 0))
    }
    let pattern = SparsityPattern(dimension: n, entries: entries)
    let ordered = SparseLU(pattern: pattern)
    let natural = SparseLU(pattern: pattern, ordering: false)
    // The hub goes when its degree has dropped to that of the last leaf: among the last two.
    #expect(ordered.permutation.suffix(2).contains(0))
    #expect(Set(ordered.permutation) == Set(0..<n))
    #expect(ordered.factorCount == pattern.count)
    #expect(natural.factorCount == n * n)
    var g = SplitMix64(seed: 3)
    let J = Self.randomValues(pattern, dominant: true, &g)
    for solver in [ordered, natural] {
      let (residual, _, _) = Self.compare(pattern, J, d: 1, s: 1, &g, solver: solver)
      #expect(residual < 1e-13)
    }
  }

  @Test("factor from dense storage equals factor from sparse storage")
  func denseInput() {
    var g = SplitMix64(seed: 9)
    let n = 40
    let pattern = Self.randomPattern(n, perColumn: 3, &g)
    let J = Self.randomValues(pattern, dominant: true, &g)
    let Jd = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
    defer { Jd.deallocate() }
    Jd.initialize(repeating: 0, count: n * n)
    for (p, (i, j)) in pattern.entries.enumerated() { Jd[i + j * n] = J[p] }
    let a = SparseLU(pattern: pattern), b = SparseLU(pattern: pattern)
    _ = J.withUnsafeBufferPointer { a.factor(jacobian: $0.baseAddress!, diagonal: 2, scale: 0.5) }
    _ = b.factor(denseJacobian: Jd, diagonal: 2, scale: 0.5)
    var x = (0..<n).map { Double($0) }, y = x
    x.withUnsafeMutableBufferPointer { a.solve($0.baseAddress!) }
    y.withUnsafeMutableBufferPointer { b.solve($0.baseAddress!) }
    #expect(x == y)
  }

  @Test("sparse MatrixView reads and writes pattern entries; absent entries read as zero")
  func view() {
    let pattern = SparsityPattern(dimension: 3, entries: [(2, 0), (0, 2), (2, 0)])
    #expect(pattern.count == 5)
    let storage = UnsafeMutablePointer<Double>.allocate(capacity: pattern.count)
    defer { storage.deallocate() }
    let v = MatrixView(base: storage, dimension: 3, structure: .sparse(pattern))
    v.zero()
    v[2, 0] = 4
    v[1, 1] = 5
    #expect(v[2, 0] == 4 && v[1, 1] == 5 && v[1, 0] == 0)
    #expect(v.contains(0, 2) && !v.contains(0, 1))
    #expect(MatrixStructure.sparse(pattern) == .sparse(SparsityPattern(dimension: 3, entries: [(0, 2), (2, 0)])))
  }
}
