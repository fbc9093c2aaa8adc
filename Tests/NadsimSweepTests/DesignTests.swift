import Foundation
import Testing
@testable import NadsimSweep

@Suite("scenario designs")
struct DesignTests {
  @Test func gridIsTheCartesianProductInNestedLoopOrder() throws {
    let design = try ScenarioDesign(kind: .grid, axes: [
      SweepAxis(name: "a", values: .list([.text("x"), .text("y")])),
      SweepAxis(name: "b", values: .range(1...100, scale: .log, steps: 3)),
    ])
    #expect(design.count == 6)
    #expect(design.values(at: 0) == [.text("x"), .number(1)])
    #expect(design.values(at: 1)[1].number.map { abs($0 - 10) < 1e-12 } == true)
    #expect(design.values(at: 2) == [.text("x"), .number(100)])
    #expect(design.values(at: 3) == [.text("y"), .number(1)])
  }

  @Test func latinHypercubePutsOneSampleInEachStratumOfEachAxis() throws {
    let n = 50
    let design = try ScenarioDesign(kind: .latinHypercube, axes: [
      SweepAxis(name: "dose", values: .range(0...2000, scale: .linear, steps: nil)),
      SweepAxis(name: "age", values: .range(25...85, scale: .linear, steps: nil)),
      SweepAxis(name: "route", values: .list([.text("oral"), .text("iv")])),
    ], samples: n, seed: 42)
    #expect(design.count == 2 * n)
    for (axis, range) in [(0, 0.0...2000.0), (1, 25.0...85.0)] {
      let strata = (0..<n).map { i -> Int in
        let x = design.values(at: i)[axis].number!
        return Int((x - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(n))
      }
      #expect(Set(strata) == Set(0..<n))
    }
    // Each listed combination takes the same samples (paired comparisons).
    #expect(design.values(at: 7)[0] == design.values(at: n + 7)[0])
    #expect(design.values(at: 0)[2] == .text("oral") && design.values(at: n)[2] == .text("iv"))
  }

  @Test func monteCarloIsSeededAndUniform() throws {
    let axes = [SweepAxis(name: "x", values: .range(0...1, scale: .linear, steps: nil))]
    let a = try ScenarioDesign(kind: .monteCarlo, axes: axes, samples: 4000, seed: 7)
    let b = try ScenarioDesign(kind: .monteCarlo, axes: axes, samples: 4000, seed: 7)
    let c = try ScenarioDesign(kind: .monteCarlo, axes: axes, samples: 4000, seed: 8)
    #expect(a.values(at: 123) == b.values(at: 123))
    #expect(a.values(at: 123) != c.values(at: 123))
    let xs = (0..<4000).map { a.values(at: $0)[0].number! }
    let mean = xs.reduce(0, +) / 4000
    #expect(abs(mean - 0.5) < 4 * (1.0 / 12).squareRoot() / 4000.0.squareRoot())  // 4 standard errors
  }

  @Test func badDesignsAreRefused() {
    #expect(throws: ScenarioDesign.DesignError.self) {
      try ScenarioDesign(kind: .grid, axes: [SweepAxis(name: "x", values: .list([]))])
    }
    #expect(throws: ScenarioDesign.DesignError.self) {
      try ScenarioDesign(kind: .latinHypercube, axes: [SweepAxis(name: "x", values: .range(0...1, scale: .linear, steps: nil))], samples: 0)
    }
    #expect(throws: ScenarioDesign.DesignError.self) {
      try ScenarioDesign(kind: .grid, axes: [SweepAxis(name: "x", values: .range(0...1, scale: .linear, steps: nil))])
    }
    #expect(throws: ScenarioDesign.DesignError.self) {
      try ScenarioDesign(kind: .monteCarlo, axes: [SweepAxis(name: "x", values: .range(0...1, scale: .log, steps: nil))], samples: 3)
    }
  }

  @Test func schedulesReadAsWords() {
    #expect(Schedule("twice daily")?.intervalHours == 12)
    #expect(Schedule("Once-Daily")?.intervalHours == 24)
    #expect(Schedule("every 8h")?.intervalHours == 8)
    #expect(Schedule("once")?.intervalHours == nil)
    #expect(Schedule("sometimes") == nil)
  }

  /// NumPy: np.percentile(np.arange(1, 11), [5, 50, 95]) == [1.45, 5.5, 9.55] (linear method).
  @Test func quantilesMatchNumPysDefault() {
    let xs = (1...10).map(Double.init)
    #expect(abs(Quantiles.value(0.05, sorted: xs) - 1.45) < 1e-12)
    #expect(Quantiles.value(0.5, sorted: xs) == 5.5)
    #expect(abs(Quantiles.value(0.95, sorted: xs) - 9.55) < 1e-12)
  }
}
