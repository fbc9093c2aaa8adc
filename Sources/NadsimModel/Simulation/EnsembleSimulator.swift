import Foundation
import NadsimODE

/// Runs many scenarios of one compiled model four at a time in SIMD lanes
/// (``EnsembleBDF`` or ``EnsembleRosenbrock`` on a ``ModelEnsemble``), each lane with its own doses
/// and output grid.
///
/// Each scenario is prepared exactly as ``Simulator`` prepares it (constants, dose plan, cached
/// untreated baseline, doses at t = 0) and its trajectory is assembled by the same code, so the two
/// differ only in the integrator: BDF or Rodas5P in lanes here, with the request's tolerances. A scenario
/// the lanes cannot finish (a failed lane) is solved again alone by the scalar ``Simulator`` with
/// the request's own method, and its counters are that run's. Requests without an output grid
/// (`everyHours == nil`: every step recorded) also go to the scalar simulator.
///
/// Species held at zero (``HeldSpecies``, chosen by the caller for the doses it will give) are
/// left out of the lanes' state and read as zero. A scenario that would move one (a dose into it,
/// or a non-zero start) is solved alone by the scalar simulator instead, so holding never changes
/// what is solved.
///
/// One per thread (the compiled evaluators keep scratch registers).
public final class EnsembleSimulator {
  public let simulator: Simulator
  let ensemble: ModelEnsemble
  let integrator: EnsembleIntegrator

  /// - Parameters:
  ///   - method: the lanes' method: `.bdf` (``EnsembleBDF``) or `.rodas5p` (``EnsembleRosenbrock``).
  ///   - held: species the lanes leave out (see above); default none.
  public init(_ compiled: CompiledModel, method: Method = .bdf, maxSteps: Int = 2_000_000,
              holding held: HeldSpecies? = nil) {
    precondition(EnsembleSimulator.methods.contains(method), "lanes run bdf or rodas5p")
    simulator = Simulator(compiled)
    ensemble = ModelEnsemble(compiled, holding: held)
    var options = EnsembleOptions()
    options.maxSteps = maxSteps
    integrator = method == .bdf ? EnsembleBDF(system: ensemble.system, options: options)
      : EnsembleRosenbrock(system: ensemble.system, options: options)
  }

  /// The methods that run in lanes.
  public static let methods: [Method] = [.bdf, .rodas5p]

  /// Solves the requests `next` hands out (with the caller's id for each) until it returns nil,
  /// and gives each result to `done`, in the order they finish.
  public func run(next: @escaping () -> (id: Int, request: SimulationRequest)?,
                  done: @escaping (Int, Result<Trajectory, Error>) -> Void) {
    let workload = Workload(owner: self, next: next, done: done)
    integrator.run(workload)
  }

  private final class Workload: EnsembleWorkload {
    unowned let owner: EnsembleSimulator
    let next: () -> (id: Int, request: SimulationRequest)?
    let done: (Int, Result<Trajectory, Error>) -> Void
    /// Species in the model; the lanes' state holds `live` of them (model indices, state order).
    let n: Int
    let live: [Int], held: [Int]
    /// A whole model state, for doses.
    var full: [Double]
    /// Per lane: the caller's id, request, prepared run, amounts so far, infusion rates, outputs.
    var slots: [Slot?] = Array(repeating: nil, count: EnsembleSystem.lanes)
    /// Tasks started (their ``LaneTask/id``); the caller's id travels in the slot.
    var started = 0

    struct Slot {
      var id: Int
      var request: SimulationRequest
      var run: PreparedRun
      var amounts: (dosed: [Double], removed: [Double])
      var infusion: [Double]
      var states: [Double]
    }

    init(owner: EnsembleSimulator, next: @escaping () -> (id: Int, request: SimulationRequest)?,
         done: @escaping (Int, Result<Trajectory, Error>) -> Void) {
      self.owner = owner
      self.next = next
      self.done = done
      n = owner.simulator.compiled.stateCount
      live = owner.ensemble.species.live
      held = owner.ensemble.species.held
      full = [Double](repeating: 0, count: n)
    }

    func start(lane: Int, state: UnsafeMutablePointer<Double>) -> LaneTask? {
      while let (id, request) = next() {
        let run: PreparedRun
        do {
          run = try owner.simulator.prepare(request)
        } catch {
          done(id, .failure(error))
          continue
        }
        guard let saveTimes = run.saveTimes, keepsHeldAtZero(run) else {
          done(id, .success(owner.simulator.integrate(run, like: request)))
          continue
        }
        owner.ensemble.setConstants(run.constants, lane: lane)
        let rates = owner.ensemble.infusionRates(lane: lane)
        for i in 0..<n { rates[i] = run.initialInfusion[i] }
        for (k, i) in live.enumerated() { state[k] = run.initialState[i] }
        slots[lane] = Slot(id: id, request: request, run: run, amounts: run.amounts, infusion: run.initialInfusion,
                           states: [Double](repeating: .nan, count: saveTimes.count * n))
        started += 1
        return LaneTask(id: started, t0: 0, tEnd: run.tEnd, stops: run.stopTimes, saveTimes: saveTimes,
                        tolerances: request.tolerances)
      }
      return nil
    }

    /// Whether a run leaves the held species at zero: it starts them at zero and doses none.
    func keepsHeldAtZero(_ run: PreparedRun) -> Bool {
      held.isEmpty || (held.allSatisfy { run.initialState[$0] == 0 && run.initialInfusion[$0] == 0 }
                       && run.dosedSpecies.isDisjoint(with: held))
    }

    func stop(_ task: LaneTask, lane: Int, at time: Double, state: UnsafeMutablePointer<Double>) {
      var slot = slots[lane]!
      slots[lane] = nil  // the slot's arrays stay uniquely referenced while they change
      for (k, i) in live.enumerated() { full[i] = state[k] }
      full.withUnsafeMutableBufferPointer { full in
        slot.infusion.withUnsafeMutableBufferPointer { infusion in
          slot.run.applyDoses(at: time, to: full.baseAddress!, infusion: infusion.baseAddress!, amounts: &slot.amounts)
        }
      }
      for (k, i) in live.enumerated() { state[k] = full[i] }
      let rates = owner.ensemble.infusionRates(lane: lane)
      for i in 0..<n { rates[i] = slot.infusion[i] }
      slots[lane] = slot
    }

    func save(_ task: LaneTask, lane: Int, index: Int, time: Double, state: UnsafePointer<Double>) {
      slots[lane]!.states.withUnsafeMutableBufferPointer { states in
        for (k, i) in live.enumerated() { states[index * n + i] = state[k] }
        for i in held { states[index * n + i] = 0 }
      }
    }

    func finish(_ task: LaneTask, lane: Int, result: LaneResult) {
      guard let slot = slots[lane] else { return }
      slots[lane] = nil
      if result.returnCode.isSuccess {
        let trajectory = owner.simulator.finish(
          slot.run, times: task.saveTimes, states: slot.states, finalTime: result.finalTime, amounts: slot.amounts,
          returnCode: result.returnCode, statistics: result.statistics)
        done(slot.id, .success(trajectory))
      } else {
        done(slot.id, .success(owner.simulator.integrate(slot.run, like: slot.request)))
      }
    }
  }
}
