import Foundation

/// A seedable random stream for designs and virtual populations: SplitMix64 (Steele, Lea &
/// Flood 2014). Every draw is derived from the sweep seed and *what* is drawn (which person,
/// which axis), never from the order in which threads run, so results do not depend on `--jobs`.
public struct RandomStream: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// A stream for one purpose: the seed mixed with labels (e.g. person index, axis number).
  public init(seed: UInt64, _ labels: UInt64...) {
    var mixed = seed
    for label in labels { mixed = Self.mix(mixed ^ Self.mix(label &+ 0x9E37_79B9_7F4A_7C15)) }
    state = mixed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return Self.mix(state)
  }

  private static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in the open interval (0, 1), 53 random bits.
  public mutating func uniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1p-53
  }

  /// Standard normal by the Box–Muller transform (one of the pair; the other is discarded so that
  /// each draw consumes a fixed number of words).
  public mutating func normal() -> Double {
    let u1 = uniform(), u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}
