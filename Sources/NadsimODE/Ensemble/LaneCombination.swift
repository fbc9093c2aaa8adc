/// A linear combination of lane vectors, base + w₀·s₀ + w₁·s₁ + …, evaluated over n components:
/// the Rosenbrock stages' arguments and right-hand sides, the solution, the error estimate and
/// the dense-output sums.
///
/// The terms are added in the order they were appended, each with one rounding
/// (`addingProduct`), so the result is bit for bit that of one pass over the components per term.
/// But each pass here takes up to four terms, so a component is loaded and stored once per four
/// terms instead of once per term. A Rodas5P step adds about sixty terms over n components (its
/// eight stages' arguments and right-hand sides, the solution and the error estimate), and with
/// one term per pass the loads and stores, not the multiply–adds, set their cost.
final class LaneCombination {
  typealias Lanes = SIMD4<Double>
  /// The most terms a combination may hold.
  let capacity: Int
  /// Terms appended since the last ``removeAll()``.
  private(set) var count = 0
  private let weights: UnsafeMutablePointer<Lanes>
  private let sources: UnsafeMutablePointer<UnsafePointer<Lanes>>

  init(capacity: Int) {
    self.capacity = capacity
    weights = .allocate(capacity: max(capacity, 1))
    sources = .allocate(capacity: max(capacity, 1))
  }

  deinit {
    weights.deallocate()
    sources.deallocate()
  }

  /// Starts a new combination with no terms.
  func removeAll() { count = 0 }

  /// Adds the term weight·source (lane by lane).
  func append(_ weight: Lanes, _ source: UnsafePointer<Lanes>) {
    precondition(count < capacity, "LaneCombination holds at most \(capacity) terms")
    weights[count] = weight
    sources[count] = source
    count += 1
  }

  /// destination = base + the terms, over `n` components; `base` nil starts from zero (+0 in
  /// every lane, as a pass over a zeroed vector). `destination` may be `base` or one of the
  /// sources only if that source's term is among the first four (it is read before it is written
  /// in each component, and later passes read only `destination`).
  func evaluate(base: UnsafePointer<Lanes>?, into destination: UnsafeMutablePointer<Lanes>, count n: Int) {
    if count == 0 {
      if let base {
        if UnsafePointer(destination) != base { destination.update(from: base, count: n) }
      } else {
        destination.update(repeating: .zero, count: n)
      }
      return
    }
    var first = 0
    var from = base
    while first < count {
      let taken = min(4, count - first)
      if let start = from {
        pass(first, taken, n, destination) { start[$0] }
      } else {
        pass(first, taken, n, destination) { _ in .zero }
      }
      from = UnsafePointer(destination)
      first += taken
    }
  }

  /// One pass: destination[i] = start(i) + the terms first ..< first + taken (1…4), in order.
  @inline(__always)
  private func pass(_ first: Int, _ taken: Int, _ n: Int, _ destination: UnsafeMutablePointer<Lanes>,
                    _ start: (Int) -> Lanes) {
    let w = weights + first, s = sources + first
    switch taken {
    case 1:
      let w0 = w[0], s0 = s[0]
      for i in 0..<n { destination[i] = start(i).addingProduct(w0, s0[i]) }
    case 2:
      let w0 = w[0], w1 = w[1], s0 = s[0], s1 = s[1]
      for i in 0..<n { destination[i] = start(i).addingProduct(w0, s0[i]).addingProduct(w1, s1[i]) }
    case 3:
      let w0 = w[0], w1 = w[1], w2 = w[2], s0 = s[0], s1 = s[1], s2 = s[2]
      for i in 0..<n {
        destination[i] = start(i).addingProduct(w0, s0[i]).addingProduct(w1, s1[i]).addingProduct(w2, s2[i])
      }
    default:
      let w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3]
      for i in 0..<n {
        destination[i] = start(i).addingProduct(w0, s0[i]).addingProduct(w1, s1[i]).addingProduct(w2, s2[i])
          .addingProduct(w3, s3[i])
      }
    }
  }
}
