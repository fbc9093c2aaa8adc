import Foundation
import Testing
@testable import NadsimSweep

/// Virtual people against the distributions the model declares (Models/examples/one-compartment-
/// oral.yaml: ke lognormal cv 0.3, v_per_kg lognormal cv 0.2, f_oral normal cv 0.1 within [0, 1]).
@Suite("virtual populations")
struct PopulationTests {
  @Test func drawsFollowTheDeclaredDistributions() throws {
    let model = try SweepFixture.model()
    let n = 4000
    let population = try VirtualPopulation(model: model, size: n, seed: 11)
    let people = try (1...n).map { p in try population.parameters(person: p) { name in model.parameters.first { $0.name == name }!.value } }
    // Lognormal: log(ke/0.2) ~ N(0, ω²), ω² = log(1 + cv²).
    let logs = people.map { log($0["ke"]! / 0.2) }
    let omega = log(1 + 0.09).squareRoot()
    let mean = logs.reduce(0, +) / Double(n)
    let sd = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)).squareRoot()
    #expect(abs(mean) < 4 * omega / Double(n).squareRoot())
    #expect(abs(sd / omega - 1) < 0.05)
    // Normal within its range: every draw in [0, 1], mean near 0.8.
    let f = people.map { $0["f_oral"]! }
    #expect(f.allSatisfy { (0...1).contains($0) })
    #expect(abs(f.reduce(0, +) / Double(n) - 0.8) < 0.01)
    // Person k is the same person whatever else is asked, and the seed matters.
    let again = try population.parameters(person: 17) { name in model.parameters.first { $0.name == name }!.value }
    #expect(again == people[16])
    let other = try VirtualPopulation(model: model, size: n, seed: 12)
    #expect(try other.parameters(person: 17) { name in model.parameters.first { $0.name == name }!.value } != people[16])
  }

  @Test func correlationsAreImposed() throws {
    let model = try SweepFixture.model()
    let n = 4000
    let population = try VirtualPopulation(model: model, size: n, seed: 3, correlations: [("ke", "v_per_kg", 0.6)])
    let people = try (1...n).map { p in try population.parameters(person: p) { name in model.parameters.first { $0.name == name }!.value } }
    let a = people.map { log($0["ke"]!) }, b = people.map { log($0["v_per_kg"]!) }
    let ma = a.reduce(0, +) / Double(n), mb = b.reduce(0, +) / Double(n)
    let cov = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +)
    let r = cov / (a.map { ($0 - ma) * ($0 - ma) }.reduce(0, +) * b.map { ($0 - mb) * ($0 - mb) }.reduce(0, +)).squareRoot()
    #expect(abs(r - 0.6) < 0.05)
    #expect(throws: VirtualPopulation.PopulationError.self) {
      try VirtualPopulation(model: model, size: 3, seed: 1, correlations: [("ke", "v_per_kg", 0.99), ("ke", "f_oral", 0.99), ("v_per_kg", "f_oral", -0.99)])
    }
  }
}
