/// A block of values allocated once and freed with its owner: the steppers' scratch storage
/// (``Workspace``, doubles) and the ensemble integrators' lane storage (SIMD4 elements).
///
/// Buffers are carved from one allocation so that a stepper's state sits contiguously in memory.
final class ScratchBlock<Element> {
  private let base: UnsafeMutablePointer<Element>
  private let capacity: Int
  private var used = 0

  init(capacity: Int, zero: Element) {
    self.capacity = capacity
    base = .allocate(capacity: max(capacity, 1))
    base.initialize(repeating: zero, count: max(capacity, 1))
  }

  deinit { base.deallocate() }

  /// Hands out the next `count` values, zeroed.
  func take(_ count: Int) -> UnsafeMutablePointer<Element> {
    precondition(used + count <= capacity, "workspace too small")
    defer { used += count }
    return base + used
  }
}

/// The scalar steppers' scratch doubles.
typealias Workspace = ScratchBlock<Double>

extension ScratchBlock where Element == Double {
  convenience init(capacity: Int) { self.init(capacity: capacity, zero: 0) }
}
