import Foundation
import Testing
import NadsimTestSupport
@testable import NadsimODE

/// ``LaneCombination`` against the computation it replaces: one pass over the components per term,
/// each adding w·s with `addingProduct`, written out here term by term. Its claim is bit-identity
/// with those passes (same operations in the same order), so the comparison is exact, with values
/// that make rounding differences visible (wide magnitudes, signed zeros).
@Suite("Lane combinations")
struct LaneCombinationTests {
  typealias Lanes = SIMD4<Double>

  static func randomVector(_ n: Int, _ g: inout SplitMix64) -> [Lanes] {
    (0..<n).map { _ in
      var v = Lanes.zero
      for l in 0..<4 {
        let u = g.uniform()
        // Mostly wide-ranging values; some exact zeros of either sign.
        v[l] = u < 0.05 ? 0.0 : u < 0.1 ? -0.0 : (g.uniform() * 2 - 1) * pow(10, Double(g.below(13) - 6))
      }
      return v
    }
  }

  /// One addingProduct pass per term, as the Rosenbrock sums were written before.
  static func passes(base: [Lanes]?, weights: [Lanes], sources: [[Lanes]], n: Int) -> [Lanes] {
    var out = base ?? [Lanes](repeating: .zero, count: n)
    for (w, s) in zip(weights, sources) {
      for i in 0..<n { out[i] = out[i].addingProduct(w, s[i]) }
    }
    return out
  }

  static func bits(_ v: [Lanes]) -> [UInt64] { v.flatMap { x in (0..<4).map { x[$0].bitPattern } } }

  /// `combination.evaluate` on copies of the vectors in raw storage.
  static func evaluate(_ combination: LaneCombination, base: [Lanes]?, inPlace: Bool, weights: [Lanes],
                       sources: [[Lanes]], n: Int) -> [Lanes] {
    let terms = sources.count
    let storage = UnsafeMutablePointer<Lanes>.allocate(capacity: max(terms, 1) * n)
    let baseStorage = UnsafeMutablePointer<Lanes>.allocate(capacity: n)
    let destination = UnsafeMutablePointer<Lanes>.allocate(capacity: n)
    defer {
      storage.deallocate()
      baseStorage.deallocate()
      destination.deallocate()
    }
    for t in 0..<terms { for i in 0..<n { (storage + t * n)[i] = sources[t][i] } }
    destination.initialize(repeating: Lanes(repeating: .nan), count: n)
    if let base { for i in 0..<n { baseStorage[i] = base[i] } }
    combination.removeAll()
    for t in 0..<terms { combination.append(weights[t], storage + t * n) }
    if inPlace {
      combination.evaluate(base: baseStorage, into: baseStorage, count: n)
      return (0..<n).map { baseStorage[$0] }
    }
    combination.evaluate(base: base == nil ? nil : UnsafePointer(baseStorage), into: destination, count: n)
    return (0..<n).map { destination[$0] }
  }

  @Test("Every term count 0…9, with and without a base, bit for bit as one pass per term")
  func matchesOnePassPerTerm() {
    var g = SplitMix64(seed: 20261124)
    let n = 37
    let combination = LaneCombination(capacity: 9)
    for terms in 0...9 {
      for withBase in [true, false] {
        let base = withBase ? Self.randomVector(n, &g) : nil
        let sources = (0..<terms).map { _ in Self.randomVector(n, &g) }
        let weights = (0..<terms).map { _ in Self.randomVector(1, &g)[0] }
        let expected = Self.passes(base: base, weights: weights, sources: sources, n: n)
        let result = Self.evaluate(combination, base: base, inPlace: false, weights: weights, sources: sources, n: n)
        #expect(Self.bits(result) == Self.bits(expected), "terms \(terms), base \(withBase)")
      }
    }
  }

  @Test("In place, the destination being the base (a stage's right-hand side plus its C terms)")
  func inPlace() {
    var g = SplitMix64(seed: 7)
    let n = 11
    let combination = LaneCombination(capacity: 6)
    for terms in [1, 4, 6] {
      let base = Self.randomVector(n, &g)
      let sources = (0..<terms).map { _ in Self.randomVector(n, &g) }
      let weights = (0..<terms).map { _ in Self.randomVector(1, &g)[0] }
      let expected = Self.passes(base: base, weights: weights, sources: sources, n: n)
      let result = Self.evaluate(combination, base: base, inPlace: true, weights: weights, sources: sources, n: n)
      #expect(Self.bits(result) == Self.bits(expected), "terms \(terms)")
    }
  }
}
