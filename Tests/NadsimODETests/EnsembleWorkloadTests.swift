import Testing
@testable import NadsimODE
import NadsimProblems

/// The ensemble integrators as work queues: more tasks than lanes, tasks with stops (state jumps)
/// and save times, and results that do not depend on which lane a task ran in. References: the
/// scalar solve of each task by the same method (``Integrator`` with the same stops and output
/// times: Rodas5P for ``EnsembleRosenbrock``, BDF for ``EnsembleBDF``), on HIRES (Test Set for
/// IVP Solvers, Univ. Bari, hires.f) with perturbed rate constants.
@Suite("Ensemble workload")
struct EnsembleWorkloadTests {
  /// Rate constants per lane, changed when a lane takes a new task.
  final class LaneConstants {
    var values = [Hires.RateConstants](repeating: Hires.standard, count: 4)
  }

  /// Task i: HIRES with k1 and k6 scaled by i-dependent factors; at each stop 0.1 is added to y1
  /// (a "dose").
  static func constants(_ i: Int) -> Hires.RateConstants {
    var k = Hires.standard
    k.k1 *= 0.8 + 0.05 * Double(i % 9)
    k.k6 *= 1.2 - 0.04 * Double(i % 7)
    return k
  }

  final class Queue: EnsembleWorkload {
    let lanes: LaneConstants
    var order: [Int]
    let tEnd: [Double]
    let stops: [Double]
    let saveTimes: [Double]
    var finals: [Int: [Double]] = [:]
    var codes: [Int: ReturnCode] = [:]
    var saved: [Int: [[Double]]] = [:]
    var lanesUsed: [Int: Int] = [:]

    init(lanes: LaneConstants, order: [Int], tEnd: [Double], stops: [Double], saveTimes: [Double]) {
      self.lanes = lanes
      self.order = order
      self.tEnd = tEnd
      self.stops = stops
      self.saveTimes = saveTimes
    }

    func start(lane: Int, state: UnsafeMutablePointer<Double>) -> LaneTask? {
      guard !order.isEmpty else { return nil }
      let i = order.removeFirst()
      lanes.values[lane] = EnsembleWorkloadTests.constants(i)
      for (k, v) in Hires.initialState.enumerated() { state[k] = v }
      saved[i] = Array(repeating: [], count: saveTimes.count)
      lanesUsed[i] = lane
      return LaneTask(id: i, t0: 0, tEnd: tEnd[i], stops: stops.filter { $0 < tEnd[i] }, saveTimes: saveTimes.filter { $0 <= tEnd[i] })
    }

    func stop(_ task: LaneTask, lane: Int, at time: Double, state: UnsafeMutablePointer<Double>) { state[0] += 0.1 }

    func save(_ task: LaneTask, lane: Int, index: Int, time: Double, state: UnsafePointer<Double>) {
      saved[task.id]![index] = Array(UnsafeBufferPointer(start: state, count: 8))
    }

    func finish(_ task: LaneTask, lane: Int, result: LaneResult) {
      finals[task.id] = result.finalState
      codes[task.id] = result.returnCode
    }
  }

  static func integrator(_ method: Method, _ lanes: LaneConstants, _ tolerances: Tolerances) -> EnsembleIntegrator {
    let systems = (0..<4).map { l in
      ODESystem(dimension: 8, isAutonomous: true, rhs: { _, y, dy in Hires.rhs(y, dy, lanes.values[l]) },
                jacobian: { _, y, J in Hires.jacobian(y, J, lanes.values[l]) })
    }
    let system = EnsembleSystem(lanesOf: systems), options = EnsembleOptions(tolerances: tolerances)
    return method == .bdf ? EnsembleBDF(system: system, options: options) : EnsembleRosenbrock(system: system, options: options)
  }

  static let tolerances = Tolerances(relative: 1e-6, absolute: 1e-10)
  static let taskCount = 11
  static let ends = (0..<taskCount).map { 150.0 + 17.0 * Double($0) }
  static let stops = [20.0, 60.5, 120.0]
  static let saveTimes = [0.0, 10.0, 20.0, 33.3, 60.5, 100.0, 150.0, 250.0]

  static func run(_ method: Method, order: [Int]) -> Queue {
    let lanes = LaneConstants()
    let queue = Queue(lanes: lanes, order: order, tEnd: ends, stops: stops, saveTimes: saveTimes)
    integrator(method, lanes, tolerances).run(queue)
    return queue
  }

  @Test("eleven tasks through four lanes: every task finishes and matches its scalar solve, stops and saves included",
        arguments: [Method.rodas5p, .bdf])
  func queueMatchesScalar(method: Method) {
    let queue = Self.run(method, order: Array(0..<Self.taskCount))
    #expect(queue.codes.count == Self.taskCount && queue.codes.values.allSatisfy { $0 == .success })
    #expect(Set(queue.lanesUsed.values) == [0, 1, 2, 3])
    for i in 0..<Self.taskCount {
      let k = Self.constants(i)
      var options = SolverOptions(method: method, tolerances: Self.tolerances)
      let saves = Self.saveTimes.filter { $0 <= Self.ends[i] }
      options.saving = .at(saves)
      options.stopTimes = Self.stops
      options.onStop = { _, y in y[0] += 0.1 }
      let system = ODESystem(dimension: 8, isAutonomous: true, rhs: { _, y, dy in Hires.rhs(y, dy, k) },
                             jacobian: { _, y, J in Hires.jacobian(y, J, k) })
      let alone = solve(system, from: 0, y0: Hires.initialState, to: Self.ends[i], options: options)
      #expect(alone.returnCode == .success)
      let error = EnsembleRosenbrockTests.mixedError(queue.finals[i]!, alone.finalState, Self.tolerances)
      #expect(error <= 5, "task \(i): final state \(error) × tolerance from the scalar solve")
      for (index, time) in saves.enumerated() {
        let row = Array(alone.states[(index * 8)..<(index * 8 + 8)])
        let e = EnsembleRosenbrockTests.mixedError(queue.saved[i]![index], row, Self.tolerances)
        #expect(e <= 10, "task \(i), save at t = \(time): \(e) × tolerance")
      }
      // A save at a stop time sees the state before the jump, as in the scalar integrator.
      let atStop = saves.firstIndex(of: 20.0)!
      #expect(abs(queue.saved[i]![atStop][0] - alone.states[atStop * 8]) < 1e-4)
    }
  }

  @Test("a task's result does not depend on its lane or its neighbours (bit for bit)", arguments: [Method.rodas5p, .bdf])
  func laneIndependence(method: Method) {
    let forward = Self.run(method, order: Array(0..<Self.taskCount))
    let backward = Self.run(method, order: Array((0..<Self.taskCount).reversed()))
    var moved = 0
    for i in 0..<Self.taskCount {
      #expect(forward.finals[i]! == backward.finals[i]!, "task \(i)")
      #expect(forward.saved[i]! == backward.saved[i]!, "task \(i) saves")
      if forward.lanesUsed[i] != backward.lanesUsed[i] { moved += 1 }
    }
    #expect(moved > 0, "the two runs put some task in a different lane")
  }
}
