/// A state-dependent event: a time where g(t, y(t)) crosses zero, located on the dense output.
///
/// Use it for "when does NAD+ first exceed its target" or "stop when the drug is gone".
public struct Event {
  /// Which sign changes count.
  public enum Direction: Sendable { case rising, falling, either }

  /// g(t, y): the event happens where it crosses zero.
  public let condition: (Double, UnsafePointer<Double>) -> Double
  public let direction: Direction
  /// A terminal event ends the solve at its time.
  public let terminal: Bool

  public init(direction: Direction = .either, terminal: Bool = false,
              condition: @escaping (Double, UnsafePointer<Double>) -> Double) {
    self.condition = condition
    self.direction = direction
    self.terminal = terminal
  }

  func counts(from g0: Double, to g1: Double) -> Bool {
    switch direction {
    case .rising: return g0 < 0 && g1 >= 0
    case .falling: return g0 > 0 && g1 <= 0
    case .either: return (g0 < 0 && g1 >= 0) || (g0 > 0 && g1 <= 0)
    }
  }
}

/// An event located during a solve.
public struct EventOccurrence: Equatable, Sendable {
  /// Index of the event in ``SolverOptions/events``.
  public let index: Int
  public let t: Double
}
