import NadsimTestSupport
import Foundation
import Testing
import NadsimModel
import NadsimLinearAlgebra
@testable import NadsimODE

/// ``LaneSparseLU`` on the real nad-human Jacobian (its exact symbolic derivatives, evaluated by
/// the compiled model) for four scenarios at once, against LAPACK's dense LU per lane and the
/// scalar ``SparseLU``. Here rather than in NadsimODETests because NadsimODE does not know models.
@Suite("Lane sparse LU on nad-human")
struct LaneSparseLUModelTests {
  /// nad-human's sparse Jacobian pattern and four lanes of J (constants and states each scaled by
  /// a factor in [0.8, 1.2) in lanes 1–3), with d = 1/(hγ) for h from 100 days down to 1 ms.
  static func nadHumanLanes() throws -> (pattern: SparsityPattern, J: [[Double]], d: [Double], n: Int, g: SplitMix64) {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("nad-human.yaml").path)
    let compiled = try CompiledModel(model, jacobianLayout: .sparse)
    guard case .sparse(let pattern) = compiled.jacobianStructure else {
      throw ModelError("expected a sparse Jacobian", at: SourceLocation(file: "nad-human.yaml"))
    }
    let n = compiled.stateCount, m = compiled.constantCount
    let slots = compiled.jacobianEntries.map { pattern.position($0.row, $0.column)! }
    let nominal = try ScenarioConstants(model: model).values
    let y0 = model.species.map { $0.initial ?? 0 }
    var g = SplitMix64(seed: 31)
    func factor() -> Double { 0.8 + 0.4 * Double(g.next() >> 11) * 0x1p-53 }

    // J per lane on the pattern: constants and states each scaled by a factor in [0.8, 1.2).
    let inputs = UnsafeMutablePointer<Double>.allocate(capacity: compiled.inputCount)
    defer { inputs.deallocate() }
    let outputs = UnsafeMutablePointer<Double>.allocate(capacity: max(slots.count, 1))
    defer { outputs.deallocate() }
    var J = [[Double]](repeating: [Double](repeating: 0, count: pattern.count), count: 4)
    for l in 0..<4 {
      inputs.initialize(repeating: 0, count: compiled.inputCount)
      for i in 0..<n { inputs[1 + i] = l == 0 ? y0[i] : y0[i] * factor() }
      for k in 0..<m { inputs[1 + n + k] = l == 0 ? nominal[k] : nominal[k] * factor() }
      compiled.jacobian.evaluate(inputs: inputs, outputs: outputs)
      for (e, slot) in slots.enumerated() { J[l][slot] = outputs[e] }
      #expect(J[l].allSatisfy { $0.isFinite })
    }
    // d = 1/(hγ), γ = 0.19 (Rodas5P's), for steps from 1 ms to 100 days (in hours).
    let d = [1e-3 / 3600, 1.0, 24.0, 2400.0].map { 1 / ($0 * 0.19) }.reversed().map { $0 }

    return (pattern, J, d, n, g)
  }

  @Test("four perturbed parameter sets and states, Rodas5P-like shifts: each lane matches dense LU (relative residual ≤ 1e-12) and scalar SparseLU bit for bit")
  func nadHuman() throws {
    let (pattern, J, d, n, seeded) = try Self.nadHumanLanes()
    var g = seeded
    let lane = LaneSparseLU(pattern: pattern)
    for p in 0..<pattern.count { lane.jacobian[p] = SIMD4(J[0][p], J[1][p], J[2][p], J[3][p]) }
    let ok = lane.factor(diagonal: SIMD4(d[0], d[1], d[2], d[3]), needed: LaneMask(repeating: true))
    #expect(ok == LaneMask(repeating: true))
    let b = (0..<4).map { _ in (0..<n).map { _ in Double(g.next() >> 11) * 0x1p-52 - 1 } }
    var v = (0..<n).map { SIMD4(b[0][$0], b[1][$0], b[2][$0], b[3][$0]) }
    v.withUnsafeMutableBufferPointer { lane.solve($0.baseAddress!) }

    let dense = DenseLU(dimension: n, forceLAPACK: true)
    let Jd = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
    defer { Jd.deallocate() }
    for l in 0..<4 {
      let x = v.map { $0[l] }
      // Dense reference (LAPACK dgetrf/dgetrs, partial pivoting) on the same M = d·I − J.
      Jd.initialize(repeating: 0, count: n * n)
      for j in 0..<n {
        for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] { Jd[pattern.rowIndices[p] + j * n] = J[l][p] }
      }
      #expect(dense.factor(jacobian: Jd, diagonal: d[l], scale: 1))
      var xd = b[l]
      xd.withUnsafeMutableBufferPointer { dense.solve($0.baseAddress!) }
      // Relative residual ‖M x − b‖∞ / (‖M‖∞ ‖x‖∞ + ‖b‖∞), M x computed here from the entries.
      var r = b[l].map { -$0 }, rowSums = [Double](repeating: 0, count: n)
      for j in 0..<n {
        for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
          let i = pattern.rowIndices[p]
          let entry = (i == j ? d[l] : 0) - J[l][p]  // the pattern holds the whole diagonal
          r[i] += entry * x[j]
          rowSums[i] += abs(entry)
        }
      }
      let normM = rowSums.max()!, normX = x.map(abs).max()!, normB = b[l].map(abs).max()!
      let residual = r.map(abs).max()! / (normM * normX + normB)
      #expect(residual <= 1e-12, "lane \(l) (d = \(d[l])): relative residual \(residual)")
      let difference = zip(x, xd).map { abs($0 - $1) }.max()! / xd.map(abs).max()!
      #expect(difference <= 1e-8, "lane \(l) (d = \(d[l])): differs from dense LU by \(difference)")

      let scalar = SparseLU(pattern: pattern)
      let scalarOk = J[l].withUnsafeBufferPointer { scalar.factor(jacobian: $0.baseAddress!, diagonal: d[l], scale: 1) }
      #expect(scalarOk)
      var xs = b[l]
      xs.withUnsafeMutableBufferPointer { scalar.solve($0.baseAddress!) }
      #expect(zip(x, xs).allSatisfy { $0.bitPattern == $1.bitPattern }, "lane \(l): differs from scalar SparseLU")
      // Lane 0 (h = 100 days, M ≈ −J, which conservation makes near singular) fails the pivot
      // test and is redone with dense pivoting, as the scalar solver does; the others stay sparse.
      #expect(lane.fallbackLanes[l] == scalar.lastFactorizationWasDense)
    }
  }

  @Test("compiled lane kernels (LaneSparseKernels): the factors, pivot verdicts and solutions of the loops, bit for bit, on nad-human; a known solution is recovered")
  func compiledKernels() throws {
    let (pattern, J, d, n, seeded) = try Self.nadHumanLanes()
    var g = seeded
    let kernels = try #require(NativeLaneSparseKernels.kernels(for: pattern), "no native toolchain")
    // With lane 0's 100-day step (which fails the pivot test and falls back) and without it.
    for shifts in [d, [d[1], d[1], d[2], d[3]]] {
      let loops = LaneSparseLU(pattern: pattern), compiled = LaneSparseLU(pattern: pattern)
      loops.skipsZeroUpdates = false
      compiled.skipsZeroUpdates = false
      compiled.kernels = kernels
      for solver in [loops, compiled] {
        for p in 0..<pattern.count { solver.jacobian[p] = SIMD4(J[0][p], J[1][p], J[2][p], J[3][p]) }
      }
      let all = LaneMask(repeating: true), diagonal = SIMD4(shifts[0], shifts[1], shifts[2], shifts[3])
      #expect(loops.factor(diagonal: diagonal, needed: all) == compiled.factor(diagonal: diagonal, needed: all))
      #expect(loops.fallbackLanes == compiled.fallbackLanes)
      // A known solution: b = M x from the entries, then solved.
      let x = (0..<n).map { _ in SIMD4((0..<4).map { _ in Double(g.next() >> 11) * 0x1p-52 - 1 }) }
      var b = [SIMD4<Double>](repeating: .zero, count: n)
      for j in 0..<n {
        for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
          let i = pattern.rowIndices[p]
          for l in 0..<4 { b[i][l] += ((i == j ? shifts[l] : 0) - J[l][p]) * x[j][l] }
        }
      }
      var fromLoops = b, fromKernels = b
      fromLoops.withUnsafeMutableBufferPointer { loops.solve($0.baseAddress!) }
      fromKernels.withUnsafeMutableBufferPointer { compiled.solve($0.baseAddress!) }
      for i in 0..<n {
        for l in 0..<4 {
          #expect(fromLoops[i][l].bitPattern == fromKernels[i][l].bitPattern, "component \(i), lane \(l)")
        }
      }
      for l in 1..<4 {  // lanes with a well-conditioned M (lane 0's 100-day M is near singular)
        let error = (0..<n).map { abs(fromKernels[$0][l] - x[$0][l]) }.max()!
        #expect(error <= 1e-9, "lane \(l): the known solution is off by \(error)")
      }
    }
  }
}
