import Foundation
import NadsimModel

/// Virtual people drawn from the between-person variability a model file declares on its
/// parameters (`variability: {distribution: lognormal | normal, cv: …}`), with the correlations
/// it declares between them.
///
/// Person k (k ≥ 1) multiplies each varied parameter's scenario value by a factor:
/// - lognormal: exp(ω·η) with ω² = log(1 + cv²), so the typical value is the median, as in
///   NONMEM's P = TV·exp(η);
/// - normal: 1 + cv·η, redrawn (up to 1000 times) until the value is positive and within the
///   parameter's range.
/// The η of one person are standard normal, correlated through the Cholesky factor of the
/// declared correlation matrix. They depend on the seed and k only: person k is the same virtual
/// person in every scenario of a sweep (paired comparisons), whatever the thread count.
public struct VirtualPopulation {
  public struct Varied {
    public var name: String
    public var distribution: ModelFile.Variability.Distribution
    public var cv: Double
    public var range: ClosedRange<Double>?
  }

  public struct PopulationError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
  }

  public let size: Int
  public let seed: UInt64
  public let varied: [Varied]
  /// Lower-triangular Cholesky factor of the correlation matrix, row-major k×k.
  private let cholesky: [Double]

  /// - Parameter correlations: pairs of varied parameter names and their correlation of η.
  public init(model: Model, size: Int, seed: UInt64, correlations: [(String, String, Double)] = []) throws {
    guard size >= 1 else { throw PopulationError(message: "a population needs at least 1 person") }
    let varied = model.parameters.compactMap { p in
      p.variability.map { Varied(name: p.name, distribution: $0.distribution, cv: $0.cv, range: p.range) }
    }
    guard !varied.isEmpty else {
      throw PopulationError(message: "model '\(model.name)' declares no parameter variability; virtual people need 'variability' on its parameters (Models/README.md)")
    }
    let k = varied.count
    var matrix = [Double](repeating: 0, count: k * k)
    for i in 0..<k { matrix[i * k + i] = 1 }
    for (a, b, r) in correlations {
      guard let i = varied.firstIndex(where: { $0.name == a }), let j = varied.firstIndex(where: { $0.name == b }) else {
        throw PopulationError(message: "correlation \(a)–\(b): both parameters need a declared variability")
      }
      matrix[i * k + j] = r
      matrix[j * k + i] = r
    }
    var factor = [Double](repeating: 0, count: k * k)
    for i in 0..<k {
      for j in 0...i {
        var sum = matrix[i * k + j]
        for m in 0..<j { sum -= factor[i * k + m] * factor[j * k + m] }
        if i == j {
          guard sum > 1e-12 else { throw PopulationError(message: "the declared correlations are not positive definite") }
          factor[i * k + i] = sum.squareRoot()
        } else {
          factor[i * k + j] = sum / factor[j * k + j]
        }
      }
    }
    self.size = size
    self.seed = seed
    self.varied = varied
    cholesky = factor
  }

  /// Person `person`'s parameter values (1 ≤ person ≤ size), given the scenario's values of the
  /// varied parameters (`typical`, by name; the model default when absent).
  public func parameters(person: Int, typical: (String) -> Double) throws -> [String: Double] {
    let k = varied.count
    var stream = RandomStream(seed: seed, 3, UInt64(person))
    var result: [String: Double] = [:]
    var eta = [Double](repeating: 0, count: k)
    var z = (0..<k).map { _ in stream.normal() }
    for attempt in 0..<1000 {
      for i in 0..<k {
        var sum = 0.0
        for j in 0...i { sum += cholesky[i * k + j] * z[j] }
        eta[i] = sum
      }
      var valid = true
      for (i, v) in varied.enumerated() {
        let base = typical(v.name)
        let value: Double
        switch v.distribution {
        case .lognormal: value = base * exp(log(1 + v.cv * v.cv).squareRoot() * eta[i])
        case .normal: value = base * (1 + v.cv * eta[i])
        }
        if value.isFinite, value > 0 || base <= 0, v.range.map({ $0.contains(value) }) ?? true {
          result[v.name] = value
        } else {
          valid = false
        }
      }
      if valid { return result }
      // Redraw the whole person (keeps correlations); deterministic in (seed, person, attempt).
      stream = RandomStream(seed: seed, 4, UInt64(person), UInt64(attempt))
      z = (0..<k).map { _ in stream.normal() }
    }
    throw PopulationError(message: "person \(person): no draw within the parameters' ranges after 1000 tries")
  }
}
