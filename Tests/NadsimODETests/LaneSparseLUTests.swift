import Testing
import NadsimTestSupport
@testable import NadsimODE
import NadsimLinearAlgebra

/// The four-lane sparse LU against references from outside it: a known solution x (b = M·x
/// computed here from the stored entries), and the scalar ``SparseLU`` run on each lane alone.
/// The lane solver does, in each lane, exactly the operations of the scalar solver in the same
/// order (same symbolic phase, separate multiply and subtract, the scalar's zero-skips masked per
/// lane), so the comparison with the scalar solver is bit for bit, not to a tolerance.
@Suite("Lane sparse LU")
struct LaneSparseLUTests {
  static let lanes = 4

  /// A random non-symmetric pattern with about `perColumn` off-diagonal entries per column, plus
  /// `extra` entries.
  static func randomPattern(_ n: Int, perColumn: Int, extra: [(row: Int, column: Int)] = [],
                            _ g: inout SplitMix64) -> SparsityPattern {
    var entries = extra
    for j in 0..<n {
      for _ in 0..<perColumn { entries.append((g.below(n), j)) }
    }
    return SparsityPattern(dimension: n, entries: entries)
  }

  /// Random J on the pattern whose diagonal is −(0.5 + u·Σ|column|), u in [0.6, 1.6): M = d·I − J
  /// is mostly, not always, column diagonally dominant.
  static func randomJacobian(_ pattern: SparsityPattern, _ g: inout SplitMix64) -> [Double] {
    var values = (0..<pattern.count).map { _ in g.uniform() * 2 - 1 }
    for j in 0..<pattern.dimension {
      var sum = 0.0
      for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] where pattern.rowIndices[p] != j {
        sum += abs(values[p])
      }
      values[pattern.position(j, j)!] = -(0.5 + (0.6 + g.uniform()) * sum)
    }
    return values
  }

  /// M·x for M = d·I − J, J on `pattern`.
  static func multiply(_ pattern: SparsityPattern, _ J: [Double], _ d: Double, _ x: [Double]) -> [Double] {
    var y = x.map { d * $0 }
    for j in 0..<pattern.dimension {
      for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] { y[pattern.rowIndices[p]] -= J[p] * x[j] }
    }
    return y
  }

  /// Loads four lanes' J into the solver and factorises.
  static func factor(_ solver: LaneSparseLU, _ J: [[Double]], _ d: [Double],
                     needed: LaneMask = LaneMask(repeating: true)) -> LaneMask {
    for p in 0..<solver.jacobianCount {
      solver.jacobian[p] = SIMD4(J[0][p], J[1][p], J[2][p], J[3][p])
    }
    return solver.factor(diagonal: SIMD4(d[0], d[1], d[2], d[3]), needed: needed)
  }

  /// Solves four right-hand sides (one per lane) with the factorised lane solver.
  static func solve(_ solver: LaneSparseLU, _ b: [[Double]]) -> [[Double]] {
    let n = solver.dimension
    var v = (0..<n).map { SIMD4(b[0][$0], b[1][$0], b[2][$0], b[3][$0]) }
    v.withUnsafeMutableBufferPointer { solver.solve($0.baseAddress!) }
    return (0..<lanes).map { l in v.map { $0[l] } }
  }

  /// The scalar SparseLU on one lane: (factor result, solution, dense fallbacks).
  static func scalarSolve(_ pattern: SparsityPattern, _ J: [Double], _ d: Double,
                          _ b: [Double]) -> (ok: Bool, x: [Double], fallbacks: Int) {
    let solver = SparseLU(pattern: pattern)
    let ok = J.withUnsafeBufferPointer { solver.factor(jacobian: $0.baseAddress!, diagonal: d, scale: 1) }
    var x = b
    x.withUnsafeMutableBufferPointer { solver.solve($0.baseAddress!) }
    return (ok, x, solver.denseFallbacks)
  }

  static func mask(_ a: Bool, _ b: Bool, _ c: Bool, _ d: Bool) -> LaneMask {
    var m = LaneMask(repeating: false)
    m[0] = a; m[1] = b; m[2] = c; m[3] = d
    return m
  }

  static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
  }

  /// Largest |a − b| relative to max(1, max|b|).
  static func error(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max()! / max(1, b.map(abs).max()!)
  }

  /// A known x per lane; lane 0's has zeros (so its forward and back substitutions meet zero
  /// multipliers that other lanes do not: the masked path).
  static func knownSolutions(_ n: Int, _ g: inout SplitMix64) -> [[Double]] {
    (0..<lanes).map { l in
      (0..<n).map { i in l == 0 && i % 3 != 0 ? 0 : g.uniform() * 4 - 2 }
    }
  }

  @Test("random sparse matrices, 4 lanes with different J and d: known solution to 1e-12, each lane bit-identical to scalar SparseLU")
  func randomMatrices() {
    var g = SplitMix64(seed: 7)
    let diagonals: [Double] = [0, 0.3, 20, 1e4]
    for n in [5, 17, 67, 120] {
      for perColumn in [1, 3, 6] {
        let pattern = Self.randomPattern(n, perColumn: perColumn, &g)
        let solver = LaneSparseLU(pattern: pattern)
        for _ in 0..<2 {  // refactorised with new values
          let J = (0..<Self.lanes).map { _ in Self.randomJacobian(pattern, &g) }
          let x = Self.knownSolutions(n, &g)
          // b = M x; lane 0's b also gets exact zeros where its x is sparse and M's column is.
          let b = (0..<Self.lanes).map { Self.multiply(pattern, J[$0], diagonals[$0], x[$0]) }
          let ok = Self.factor(solver, J, diagonals)
          let lanesX = Self.solve(solver, b)
          for l in 0..<Self.lanes {
            let reference = Self.scalarSolve(pattern, J[l], diagonals[l], b[l])
            #expect(ok[l] == reference.ok, "n \(n) lane \(l)")
            #expect(Self.error(lanesX[l], x[l]) <= 1e-12, "n \(n) per column \(perColumn) lane \(l): \(Self.error(lanesX[l], x[l]))")
            #expect(Self.sameBits(lanesX[l], reference.x), "n \(n) per column \(perColumn) lane \(l) differs from scalar SparseLU")
            // Each lane passed the pivot test on the lane path exactly when the scalar solver did.
            #expect(solver.fallbackLanes[l] == (reference.fallbacks > 0), "n \(n) lane \(l)")
          }
          // Sparse right-hand sides (a unit vector, signed zeros): substitutions whose multipliers
          // are zero in some lanes only.
          var sparseB = b
          sparseB[0] = (0..<n).map { $0 == n / 2 ? 1 : 0 }
          sparseB[2] = (0..<n).map { $0 % 2 == 0 ? -0.0 : b[2][$0] }
          let sparseX = Self.solve(solver, sparseB)
          for l in 0..<Self.lanes {
            let reference = Self.scalarSolve(pattern, J[l], diagonals[l], sparseB[l])
            #expect(Self.sameBits(sparseX[l], reference.x), "n \(n) sparse b, lane \(l) differs from scalar SparseLU")
          }
        }
        #expect(solver.factorizations == 2)
        #expect(solver.solves == 4)
      }
    }
  }

  /// A pattern with a 2×2 block coupling columns 3 and 4 both ways, where lane `bad` gets
  /// M₃₃ = 0 (J₃₃ = d): static pivoting must fail there.
  static func pivotingCase(_ g: inout SplitMix64, n: Int = 30, bad: Int = 2, d: [Double])
    -> (pattern: SparsityPattern, J: [[Double]]) {
    let pattern = randomPattern(n, perColumn: 2, extra: [(4, 3), (3, 4)], &g)
    var J = (0..<lanes).map { _ in randomJacobian(pattern, &g) }
    J[bad][pattern.position(3, 3)!] = d[bad]
    return (pattern, J)
  }

  @Test("without zero tests (skipsZeroUpdates = false) the solutions equal scalar SparseLU's as numbers")
  func withoutZeroTests() {
    var g = SplitMix64(seed: 11)
    let diagonals: [Double] = [0.5, 3, 40, 1e3]
    for n in [17, 67] {
      let pattern = Self.randomPattern(n, perColumn: 3, &g)
      let solver = LaneSparseLU(pattern: pattern)
      solver.skipsZeroUpdates = false
      let J = (0..<Self.lanes).map { _ in Self.randomJacobian(pattern, &g) }
      let x = Self.knownSolutions(n, &g)
      let b = (0..<Self.lanes).map { Self.multiply(pattern, J[$0], diagonals[$0], x[$0]) }
      _ = Self.factor(solver, J, diagonals)
      let lanesX = Self.solve(solver, b)
      for l in 0..<Self.lanes {
        let reference = Self.scalarSolve(pattern, J[l], diagonals[l], b[l])
        // An update by a zero multiplier changes at most the sign of a zero: == ignores it.
        #expect(lanesX[l] == reference.x, "n \(n) lane \(l)")
        #expect(Self.error(lanesX[l], x[l]) <= 1e-12)
      }
    }
  }

  @Test("a lane with a zero pivot falls back to its scalar solver; the other lanes stay on the lane path, counters right")
  func pivotingLane() {
    var g = SplitMix64(seed: 99)
    let d: [Double] = [1, 2, 0.5, 4]
    let (pattern, J) = Self.pivotingCase(&g, d: d)
    let n = pattern.dimension
    let solver = LaneSparseLU(pattern: pattern)
    let x = Self.knownSolutions(n, &g)
    let b = (0..<Self.lanes).map { Self.multiply(pattern, J[$0], d[$0], x[$0]) }

    let ok = Self.factor(solver, J, d)
    #expect(ok == LaneMask(repeating: true))
    #expect(solver.fallbackLanes == Self.mask(false, false, true, false))
    #expect(solver.fallbackFactorizations == 1)
    let lanesX = Self.solve(solver, b)
    for l in 0..<Self.lanes {
      let reference = Self.scalarSolve(pattern, J[l], d[l], b[l])
      #expect(reference.fallbacks == (l == 2 ? 1 : 0), "the scalar solver needs pivoting in lane 2 only")
      #expect(Self.error(lanesX[l], x[l]) <= 1e-11, "lane \(l): \(Self.error(lanesX[l], x[l]))")
      #expect(Self.sameBits(lanesX[l], reference.x), "lane \(l) differs from scalar SparseLU")
    }

    // Lane 2 not needed: reported failed, no fallback; the others unaffected.
    let partial = Self.factor(solver, J, d, needed: Self.mask(true, true, false, true))
    #expect(partial == Self.mask(true, true, false, true))
    #expect(solver.fallbackLanes == LaneMask(repeating: false))
    #expect(solver.fallbackFactorizations == 1)
    let again = Self.solve(solver, b)
    for l in [0, 1, 3] { #expect(Self.sameBits(again[l], lanesX[l])) }

    // A good matrix in lane 2: back on the lane path.
    var good = J
    good[2] = Self.randomJacobian(pattern, &g)
    let b2 = Self.multiply(pattern, good[2], d[2], x[2])
    #expect(Self.factor(solver, good, d) == LaneMask(repeating: true))
    #expect(solver.fallbackLanes == LaneMask(repeating: false))
    #expect(solver.fallbackFactorizations == 1)
    let third = Self.solve(solver, [b[0], b[1], b2, b[3]])
    #expect(Self.error(third[2], x[2]) <= 1e-12)
    #expect(Self.sameBits(third[2], Self.scalarSolve(pattern, good[2], d[2], b2).x))
    #expect(solver.factorizations == 3)
    #expect(solver.solves == 3)
  }

  @Test("a NaN lane fails the lane pivot test and does not spoil the other lanes")
  func nanLane() {
    var g = SplitMix64(seed: 5)
    let n = 40
    let pattern = Self.randomPattern(n, perColumn: 3, &g)
    var J = (0..<Self.lanes).map { _ in Self.randomJacobian(pattern, &g) }
    let d: [Double] = [0.1, 1, 10, 100]
    let x = Self.knownSolutions(n, &g)
    let b = (0..<Self.lanes).map { Self.multiply(pattern, J[$0], d[$0], x[$0]) }
    J[1][pattern.position(7, 7)!] = .nan
    J[1][pattern.columnStarts[12]] = .nan
    let solver = LaneSparseLU(pattern: pattern)

    // Not needed: reported failed, not sent to the fallback.
    let ok = Self.factor(solver, J, d, needed: Self.mask(true, false, true, true))
    #expect(ok == Self.mask(true, false, true, true))
    #expect(solver.fallbackFactorizations == 0)
    var lanesX = Self.solve(solver, b)
    for l in [0, 2, 3] {
      #expect(Self.error(lanesX[l], x[l]) <= 1e-12, "lane \(l)")
      #expect(Self.sameBits(lanesX[l], Self.scalarSolve(pattern, J[l], d[l], b[l]).x), "lane \(l)")
    }
    #expect(lanesX[1].contains { !$0.isFinite })

    // Needed: the NaN lane goes to its scalar solver, whose solutions are not finite either.
    _ = Self.factor(solver, J, d)
    #expect(solver.fallbackLanes == Self.mask(false, true, false, false))
    #expect(solver.fallbackFactorizations == 1)
    lanesX = Self.solve(solver, b)
    for l in [0, 2, 3] {
      #expect(Self.sameBits(lanesX[l], Self.scalarSolve(pattern, J[l], d[l], b[l]).x), "lane \(l)")
    }
    #expect(lanesX[1].contains { !$0.isFinite })
  }

  @Test("lane independence: permuting the lanes permutes the results bit for bit (fallback lane included)")
  func laneIndependence() {
    var g = SplitMix64(seed: 2024)
    let d: [Double] = [3, 0.2, 1e-3, 50]
    let (pattern, J) = Self.pivotingCase(&g, n: 45, bad: 2, d: d)
    let n = pattern.dimension
    let b = (0..<Self.lanes).map { l in (0..<n).map { i in l == 1 && i % 2 == 0 ? 0 : g.uniform() - 0.5 } }
    let reference = LaneSparseLU(pattern: pattern)
    let referenceOk = Self.factor(reference, J, d)
    let referenceX = Self.solve(reference, b)
    #expect(referenceOk == LaneMask(repeating: true))
    #expect(reference.fallbackLanes == Self.mask(false, false, true, false))

    for sigma in [[1, 2, 3, 0], [3, 2, 1, 0], [2, 0, 3, 1], [0, 0, 0, 0], [2, 2, 2, 2]] {
      // Lane l of the permuted batch is lane sigma[l] of the reference batch.
      let solver = LaneSparseLU(pattern: pattern)
      let ok = Self.factor(solver, sigma.map { J[$0] }, sigma.map { d[$0] })
      let permutedX = Self.solve(solver, sigma.map { b[$0] })
      for l in 0..<Self.lanes {
        #expect(ok[l] == referenceOk[sigma[l]])
        #expect(solver.fallbackLanes[l] == reference.fallbackLanes[sigma[l]])
        #expect(Self.sameBits(permutedX[l], referenceX[sigma[l]]), "σ \(sigma) lane \(l)")
      }
    }
  }
}
