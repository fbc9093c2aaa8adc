/// A block of doubles allocated once and freed with its owner: the steppers' scratch storage.
///
/// Buffers are carved from one allocation so that a stepper's state sits contiguously in memory.
final class Workspace {
  private let base: UnsafeMutablePointer<Double>
  private let capacity: Int
  private var used = 0

  init(capacity: Int) {
    self.capacity = capacity
    base = .allocate(capacity: max(capacity, 1))
    base.initialize(repeating: 0, count: max(capacity, 1))
  }

  deinit { base.deallocate() }

  /// Hands out the next `count` doubles, zeroed.
  func take(_ count: Int) -> UnsafeMutablePointer<Double> {
    precondition(used + count <= capacity, "workspace too small")
    defer { used += count }
    return base + used
  }
}
