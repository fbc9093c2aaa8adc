import Foundation
import NadsimODE
import Testing
@testable import NadsimSweep

/// Sweeps in SIMD lanes (BDF and Rodas5P lanes): metrics against the closed-form Bateman function of
/// the one-compartment oral model (Rowland & Tozer ch. 6), with repeated doses (stops inside each
/// lane), and files that do not depend on the thread count.
@Suite("sweeps in SIMD lanes")
struct SweepEnsembleTests {
  static func plan(_ method: Method, population: Int? = nil, trajectories: Bool = false) throws -> SweepPlan {
    var plan = try SweepFixture.plan(axes: ["daily_dose=100mg,400mg,250mg", "body_weight=50,90"],
                                     fixed: ["route=oral", "substance=drug", "schedule=twice daily"],
                                     population: population, every: 0.5, until: 72, trajectories: trajectories,
                                     method: method)
    plan.usesEnsemble = true
    return plan
  }

  @Test(arguments: [Method.bdf, .rodas5p])
  func twiceDailyDosesInLanesMatchTheBatemanSum(method: Method) throws {
    let plan = try Self.plan(method)
    let folder = try SweepFixture.run(plan, jobs: 1)
    let rows = SweepFixture.rows(try SweepFixture.read(folder, "summary.csv"))
    #expect(rows.count == 6)
    for row in rows {
      #expect(row["status"] == "ok")
      let mg = Double(row["daily_dose [mg/day]"]!)! / 2
      // The model's plasma volume is v_per_kg · body_weight: 35 L at 70 kg.
      let volume = 35 * Double(row["body_weight [kg]"]!)! / 70
      func c(_ t: Double) -> Double { SweepFixture.bateman(t: t, mg: mg, volume: volume) }
      let final = (0..<6).map { c(72 - 12 * Double($0)) }.reduce(0, +)
      let cmaxGrid = (0...144).map { k -> Double in
        let t = 0.5 * Double(k)
        return (0..<6).filter { 12 * Double($0) <= t }.map { c(t - 12 * Double($0)) }.reduce(0, +)
      }.max()!
      // rtol 1e-8 in the fixture: the lanes must reach the closed form to well within 1e-6.
      #expect(abs(Double(row["concentration.cmax [µM]"]!)! / cmaxGrid - 1) < 1e-6, "cmax, \(mg) mg")
      let trough = Double(row["concentration.trough [µM]"]!)!
      let at60 = (0..<5).map { c(60 - 12 * Double($0)) }.reduce(0, +)
      #expect(abs(trough / min(final, at60) - 1) < 1e-6, "trough, \(mg) mg")
    }
  }

  @Test(arguments: [Method.bdf, .rodas5p])
  func laneOutputIsByteIdenticalWhateverTheThreadCountAndAgreesWithTheScalarMethod(method: Method) throws {
    let plan = try Self.plan(method, population: 5, trajectories: true)
    let one = try SweepFixture.run(plan, jobs: 1)
    let three = try SweepFixture.run(plan, jobs: 3)
    for name in ["summary.csv", "quantiles.csv", "trajectories.csv"] {
      #expect(try SweepFixture.read(one, name) == SweepFixture.read(three, name), "\(name) differs between 1 and 3 jobs")
    }
    var scalar = plan
    scalar.usesEnsemble = false
    #expect(plan.fingerprint != scalar.fingerprint, "the method is part of the fingerprint")
    let reference = SweepFixture.rows(try SweepFixture.read(try SweepFixture.run(scalar, jobs: 1), "summary.csv"))
    let lanes = SweepFixture.rows(try SweepFixture.read(one, "summary.csv"))
    #expect(lanes.count == reference.count && lanes.count == 6 * 6)
    for (a, b) in zip(lanes, reference) {
      #expect(a["status"] == "ok" && a["scenario_id"] == b["scenario_id"] && a["person"] == b["person"])
      for column in ["concentration.cmax [µM]", "concentration.auc [µM*h]", "concentration.trough [µM]"] {
        let x = Double(a[column]!)!, y = Double(b[column]!)!
        #expect(abs(x - y) <= 1e-6 * abs(y), "\(column): lanes \(x), scalar \(method) \(y)")
      }
    }
  }

  /// nad-human in an oral sweep: no dose reaches the skin film or the stratum corneum, so the lanes
  /// hold those 22 species at zero and integrate the other 45. The summaries must agree with the
  /// scalar solver on all 67 within the tolerance (rtol 1e-8 here); the scenarios include a
  /// zero dose and both schedules.
  @Test func anOralNADSweepHoldsTheSkinFilmAndAgreesWithTheScalarSolver() throws {
    let path = SweepFixture.root.appendingPathComponent("Models/nad-human.yaml").path
    var plan = try SweepFixture.plan(axes: ["daily_dose=0mg,1000mg", "schedule=once daily,twice daily"],
                                     fixed: ["route=oral", "substance=NMN"], every: 6, until: 96, modelPath: path)
    plan.usesEnsemble = true
    let film = ["nam_surface", "nmn_surface"] + (1...10).map { "nam_sc\($0)" } + (1...10).map { "nmn_sc\($0)" }
    #expect(Set(plan.heldSpecies.held.map { plan.model.species[$0].name }) == Set(film))
    var scalar = plan
    scalar.usesEnsemble = false
    let lanes = SweepFixture.rows(try SweepFixture.read(try SweepFixture.run(plan, jobs: 1), "summary.csv"))
    let reference = SweepFixture.rows(try SweepFixture.read(try SweepFixture.run(scalar, jobs: 1), "summary.csv"))
    #expect(lanes.count == 4 && reference.count == 4)
    for (a, b) in zip(lanes, reference) {
      #expect(a["status"] == "ok" && b["status"] == "ok" && a["scenario_id"] == b["scenario_id"])
      for column in ["whole_blood_nad.cmax [µM]", "whole_blood_nad.auc [µM*h]", "nad_liver.cmax [µM]", "nad_dermis.auc [µM*h]", "plasma_nmn.cmax [µM]"] {
        guard let x = a[column].flatMap(Double.init), let y = b[column].flatMap(Double.init) else {
          Issue.record("missing \(column)")
          continue
        }
        #expect(abs(x - y) <= 1e-6 * abs(y), "\(column): lanes \(x), scalar \(y)")
      }
    }
  }
}
