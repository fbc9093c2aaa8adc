import Foundation

/// The scenario set of a sweep: the Cartesian product of the listed axes, crossed with samples
/// over the ranged axes (Latin hypercube or Monte Carlo). Scenario `i` is computed from `i` alone,
/// so a million-scenario sweep needs no list of scenarios in memory, shards and resumed runs see
/// the same scenarios, and the order never depends on threads.
///
/// Order: listed axes vary like nested loops in the order written (the last fastest); with
/// sampled axes, each listed combination takes the same samples (paired comparisons), and the
/// sample index varies fastest.
public struct ScenarioDesign: Sendable {
  public enum Kind: String, CaseIterable, Sendable {
    case grid
    case latinHypercube = "latin_hypercube"
    case monteCarlo = "monte_carlo"
  }

  public let kind: Kind
  public let axes: [SweepAxis]
  public let samples: Int
  public let seed: UInt64
  /// Per axis: its grid values (listed axes), or nil (sampled axes).
  private let listed: [[AxisValue]?]
  /// Per sampled axis (by axis index): the Latin hypercube stratum of each sample.
  private let strata: [Int: [Int32]]
  public let count: Int

  public struct DesignError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
  }

  /// - Parameters:
  ///   - samples: points drawn over the ranged axes (random designs); ignored by grids.
  public init(kind: Kind, axes: [SweepAxis], samples: Int = 0, seed: UInt64 = 0) throws {
    self.kind = kind
    self.axes = axes
    self.seed = seed
    var listed: [[AxisValue]?] = []
    for axis in axes {
      if case .list(let values) = axis.values, values.isEmpty {
        throw DesignError(message: "axis '\(axis.name)' has no values")
      }
      if case .range(let range, let scale, let steps) = axis.values {
        if scale == .log && range.lowerBound <= 0 {
          throw DesignError(message: "axis '\(axis.name)': a log range needs a lower end > 0")
        }
        if let steps, steps < 1 { throw DesignError(message: "axis '\(axis.name)': steps must be ≥ 1") }
        if kind == .grid && steps == nil {
          throw DesignError(message: "axis '\(axis.name)' is a range; a grid needs its values or 'steps'")
        }
        if kind != .grid && steps != nil {
          throw DesignError(message: "axis '\(axis.name)': 'steps' belongs to grids; a \(kind.rawValue) design samples the range")
        }
      }
      listed.append(kind == .grid ? axis.gridValues : (axis.gridValues.flatMap { v in
        if case .range = axis.values { return nil } else { return v }
      }))
    }
    let sampled = axes.indices.filter { listed[$0] == nil }
    if kind == .grid {
      self.samples = 1
    } else {
      guard samples >= 1 else { throw DesignError(message: "a \(kind.rawValue) design needs a sample count ≥ 1 (--samples)") }
      guard !sampled.isEmpty else {
        throw DesignError(message: "a \(kind.rawValue) design needs at least one axis given as a range")
      }
      guard samples <= Int(Int32.max) else { throw DesignError(message: "at most \(Int32.max) samples") }
      self.samples = samples
    }
    var product = 1
    for values in listed.compactMap({ $0 }) {
      let (p, overflow) = product.multipliedReportingOverflow(by: values.count)
      guard !overflow, p <= 1 << 40 else { throw DesignError(message: "the scenario count overflows") }
      product = p
    }
    let (total, overflow) = product.multipliedReportingOverflow(by: self.samples)
    guard !overflow, total <= 1 << 40 else { throw DesignError(message: "the scenario count overflows") }
    count = total
    self.listed = listed
    var strata: [Int: [Int32]] = [:]
    if kind == .latinHypercube {
      for axis in sampled {
        // A random permutation of the strata 0..<samples (Fisher–Yates), one per axis.
        var stream = RandomStream(seed: seed, 1, UInt64(axis))
        var permutation = (0..<Int32(self.samples)).map { $0 }
        for i in stride(from: permutation.count - 1, to: 0, by: -1) {
          let j = Int(stream.next() % UInt64(i + 1))
          permutation.swapAt(i, j)
        }
        strata[axis] = permutation
      }
    }
    self.strata = strata
  }

  /// The values of scenario `index` (0 ≤ index < count), one per axis.
  public func values(at index: Int) -> [AxisValue] {
    precondition(index >= 0 && index < count)
    let sample = index % samples
    var rest = index / samples
    var result = [AxisValue](repeating: .number(0), count: axes.count)
    for a in axes.indices.reversed() {
      if let values = listed[a] {
        result[a] = values[rest % values.count]
        rest /= values.count
      } else {
        guard case .range(let range, let scale, _) = axes[a].values else { preconditionFailure() }
        var stream = RandomStream(seed: seed, 2, UInt64(a), UInt64(sample))
        let u: Double
        if let stratum = strata[a]?[sample] {
          u = (Double(stratum) + stream.uniform()) / Double(samples)
        } else {
          u = stream.uniform()
        }
        result[a] = .number(SweepAxis.point(u, in: range, scale: scale))
      }
    }
    return result
  }
}
