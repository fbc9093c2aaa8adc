import NadsimModel

/// A unit the test knows to be valid; stops the test run if it is not.
func parsedUnit(_ text: String) -> Unit {
  do { return try Unit(parsing: text) } catch { fatalError("\(text): \(error)") }
}

/// Relative closeness for values computed through several roundings.
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
  abs(a - b) <= tolerance * max(abs(a), abs(b))
}
