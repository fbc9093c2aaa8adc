/// The result of a solve: recorded states, how it ended, and what it cost.
public struct Solution {
  /// Number of states per record.
  public let dimension: Int
  /// Recorded times, non-decreasing (a stop time that changes y appears twice: before and after).
  public internal(set) var times: [Double] = []
  /// Recorded states, one row of ``dimension`` values per entry of ``times``.
  public internal(set) var states: [Double] = []
  /// Events located, in time order.
  public internal(set) var events: [EventOccurrence] = []
  public internal(set) var returnCode: ReturnCode = .success
  public internal(set) var statistics = SolverStatistics()
  /// Time and state where the solve ended (the final time, a terminal event, or a failure).
  public internal(set) var finalTime: Double = .nan
  public internal(set) var finalState: [Double] = []

  init(dimension: Int) { self.dimension = dimension }

  /// The recorded state number `index`.
  public func state(at index: Int) -> ArraySlice<Double> {
    states[(index * dimension)..<((index + 1) * dimension)]
  }

  mutating func record(_ t: Double, _ y: UnsafePointer<Double>) {
    times.append(t)
    states.append(contentsOf: UnsafeBufferPointer(start: y, count: dimension))
  }
}
