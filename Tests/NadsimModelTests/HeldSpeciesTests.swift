import NadsimTestSupport
import Foundation
import Testing
@testable import NadsimModel
import NadsimODE

/// ``HeldSpecies``: which species stay exactly zero for given doses, and lanes that leave them out.
///
/// The expected sets are read off the model files: a species is held when it starts at 0, is not
/// dosed, and is fed only by held species (then y ≡ 0 solves its equation, and the solution is
/// unique). The lane results are checked against the scalar solver on the whole state, which does
/// not hold anything.
@Suite("Species held at zero")
struct HeldSpeciesTests {
  /// a → b → (nothing): a chain fed by nothing; p ⇄ q: a cycle fed by nothing; s: a source;
  /// d: starts at 0 but grows while a = 0 (rate k·(1 − a)); e → f: f starts at 0 but e does not;
  /// g: fed by a with a rate that is zero at a = 0 only through max(a, 0).
  static let chain = """
    nadsim_model: 1
    name: held-species
    units: {amount: µmol, volume: L, time: h}
    compartments:
      box: {volume: 1, unit: L}
    parameters:
      k: {value: 0.5, unit: 1/h, source: test, evidence: defined}
      k0: {value: 2, unit: µmol/h, source: test, evidence: defined}
      a_ref: {value: 1, unit: µmol, source: test, evidence: defined}
    species:
      a: {compartment: box, unit: µmol, initial: 0}
      b: {compartment: box, unit: µmol, initial: 0}
      p: {compartment: box, unit: µmol, initial: 0}
      q: {compartment: box, unit: µmol, initial: 0}
      s: {compartment: box, unit: µmol, initial: 0}
      d: {compartment: box, unit: µmol, initial: 0}
      e: {compartment: box, unit: µmol, initial: 1}
      f: {compartment: box, unit: µmol, initial: 0}
      g: {compartment: box, unit: µmol, initial: 0}
    reactions:
      a_to_b: {equation: "a -> b", rate: "k * a"}
      b_out: {equation: "b ->", rate: "k * b"}
      p_to_q: {equation: "p -> q", rate: "k * p"}
      q_to_p: {equation: "q -> p", rate: "k * q"}
      source: {equation: "-> s", rate: "k0"}
      d_in: {equation: "-> d", rate: "k0 * (1 - a / a_ref)"}
      e_to_f: {equation: "e -> f", rate: "k * e"}
      a_to_g: {equation: "-> g", rate: "k * max(a, 0)"}
    observables:
      total: {expression: "a + b + f", unit: µmol}
    routes:
      oral:
        substances:
          A: {species: a, molecular_weight: 100}
    """

  static func chainModel() throws -> Model {
    try ModelLoader.resolve(try ModelFile.parse(Self.chain, file: "held-species.yaml"))
  }

  static func names(_ model: Model, _ indices: [Int]) -> [String] { indices.map { model.species[$0].name } }

  @Test("a chain and a cycle fed by nothing are held; sources, non-zero starts and feeds are not")
  func fixedPoint() throws {
    let model = try Self.chainModel()
    let none = HeldSpecies(model: model, dosed: [])
    #expect(Self.names(model, none.held) == ["a", "b", "p", "q", "g"])
    #expect(Self.names(model, none.live) == ["s", "d", "e", "f"])
    // Dosing a makes b and g live as well (fed by a), and d stays live.
    let dosed = HeldSpecies(model: model, dosed: [model.speciesIndex("a")!])
    #expect(Self.names(model, dosed.held) == ["p", "q"])
    #expect(dosed.held.count + dosed.live.count == model.species.count)
  }

  @Test("nad-human: an oral sweep holds the 22 skin-film and stratum-corneum species; topical Nam frees the Nam ones")
  func nadHuman() throws {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("nad-human.yaml").path)
    let film = ["nam_surface", "nmn_surface"] + (1...10).map { "nam_sc\($0)" } + (1...10).map { "nmn_sc\($0)" }
    let oral = HeldSpecies(model: model, dosed: model.dosedSpecies(try DoseFlag.regimen(["oral:NMN:500mg@0"], flag: "--dose")))
    #expect(Set(Self.names(model, oral.held)) == Set(film))
    #expect(oral.live.count == model.species.count - 22)
    let topical = HeldSpecies(model: model, dosed: [model.speciesIndex("nam_surface")!])
    #expect(Set(Self.names(model, topical.held)) == Set(film.filter { $0.hasPrefix("nmn_") }))
    // Every route dosed: nothing that a route reaches is held.
    let all = HeldSpecies(model: model, dosed: model.routeSpecies)
    #expect(all.held.isEmpty)
  }

  /// Runs `requests` through lanes that hold `held`, returning the trajectories in request order
  /// (nil where a request failed).
  static func lanes(_ compiled: CompiledModel, holding held: HeldSpecies?, _ requests: [SimulationRequest]) -> [Trajectory?] {
    var results = [Trajectory?](repeating: nil, count: requests.count)
    var next = 0
    EnsembleSimulator(compiled, holding: held).run(next: {
      defer { next += 1 }
      return next < requests.count ? (next, requests[next]) : nil
    }, done: { id, outcome in results[id] = try? outcome.get() })
    return results
  }

  @Test("lanes that hold the idle species agree with the scalar solver on the whole state; a scenario dosing one runs alone")
  func lanesHoldingSpecies() throws {
    let model = try Self.chainModel()
    let compiled = try CompiledModel(model)
    let held = HeldSpecies(model: model, dosed: [])
    var requests: [SimulationRequest] = []
    for k in [0.3, 0.5, 0.9, 1.4, 2.0] {
      var request = SimulationRequest(durationHours: 12)
      request.everyHours = 0.5
      request.method = .bdf
      request.tolerances = Tolerances(relative: 1e-8, absolute: 1e-10)
      request.parameters = ["k": k]
      requests.append(request)
    }
    // The last one doses a held species: it must not run in these lanes.
    requests[4].regimen = try DoseFlag.regimen(["oral:A:10mg@1h"], flag: "--dose")
    let inLanes = Self.lanes(compiled, holding: held, requests)
    let simulator = Simulator(compiled)
    let n = model.species.count
    for (r, request) in requests.enumerated() {
      let lane = try #require(inLanes[r]), scalar = try simulator.run(request)
      #expect(lane.returnCode == .success)
      #expect(lane.timesHours == scalar.timesHours)
      if r == 4 {
        // Solved alone by the scalar simulator: the same numbers bit for bit.
        #expect(lane.states == scalar.states)
        #expect(lane.states.contains { $0 > 0 && $0.isFinite })
        continue
      }
      for index in lane.timesHours.indices {
        for i in 0..<n {
          let x = lane.states[index * n + i], y = scalar.states[index * n + i]
          if held.held.contains(i) {
            #expect(x == 0, "\(model.species[i].name) held at zero")
            #expect(y == 0, "the scalar solve keeps \(model.species[i].name) at exactly zero too")
          } else {
            #expect(abs(x - y) <= 1e-6 * max(abs(y), 1e-3), "\(model.species[i].name) at \(lane.timesHours[index]) h")
          }
        }
      }
    }
  }

  /// Holding changes nothing that is computed for the live species: their right-hand sides are the
  /// same expressions with zeros in the held inputs, the LU meets only exact zeros in the held
  /// rows, and the norms still average over all 67 species (``EnsembleSystem/normDimension``), the
  /// held ones adding exact zeros. So the lanes give the same numbers bit for bit as lanes that
  /// integrate the whole state, here on four oral nad-human scenarios (this equality also needs
  /// the minimum-degree order of the smaller pattern to eliminate the live species alike, which it
  /// does for nad-human).
  @Test("nad-human, oral NMN in lanes: holding the skin film gives the whole-state lanes' numbers bit for bit")
  func nadHumanLanesBitForBit() throws {
    let model = try ModelLoader.load(path: modelsFolder.appendingPathComponent("nad-human.yaml").path)
    let compiled = try CompiledModel(model)
    var requests: [SimulationRequest] = []
    for (mg, age) in [(250.0, 30.0), (500, 55), (1000, 70), (2000, 85), (125, 45)] {
      var request = SimulationRequest(durationHours: 72)
      request.everyHours = 6
      request.method = .bdf
      request.covariates = ["age": age]
      request.regimen = try DoseFlag.regimen(["oral:NMN:\(mg)mg@0x3/24h"], flag: "--dose")
      requests.append(request)
    }
    let held = HeldSpecies(model: model, dosed: model.dosedSpecies(requests[0].regimen))
    #expect(held.held.count == 22)
    let holding = Self.lanes(compiled, holding: held, requests)
    let whole = Self.lanes(compiled, holding: nil, requests)
    for (a, b) in zip(holding, whole) {
      let a = try #require(a), b = try #require(b)
      #expect(a.returnCode == .success && b.returnCode == .success)
      #expect(a.states == b.states)
      #expect(a.statistics.steps == b.statistics.steps)
    }
  }
}
