/// SplitMix64 (G. L. Steele, D. Lea & C. H. Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): a small, seedable generator, so that every randomised test sees the
/// same cases on every run. Shared by the test targets; the product's own stream for designs and
/// virtual populations is `RandomStream` in NadsimSweep.
public struct SplitMix64: RandomNumberGenerator {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1), from the top 53 bits.
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// In 0..<n (by remainder: slightly uneven for large n, which tests do not mind).
  public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
