import Foundation
import Testing
@testable import NadsimSweep

/// Sweep metrics against the closed-form Bateman function of the one-compartment oral model
/// (Rowland & Tozer ch. 6): Cmax at tmax = ln(ka/ke)/(ka − ke), and AUC(0–24 h) by integrating it.
@Suite("sweep metrics against the Bateman function")
struct SweepMetricsTests {
  @Test func cmaxTmaxAndAUCMatchTheClosedForm() throws {
    let plan = try SweepFixture.plan(axes: ["dose=100mg,0.4g"], every: 0.01)
    let folder = try SweepFixture.run(plan, jobs: 1)
    let rows = SweepFixture.rows(try SweepFixture.read(folder, "summary.csv"))
    #expect(rows.count == 2)
    let ka = 1.2, ke = 0.2
    let tmax = log(ka / ke) / (ka - ke)
    for (row, mg) in zip(rows, [100.0, 400.0]) {
      #expect(row["dose [mg]"] == "\(mg)")
      #expect(row["status"] == "ok")
      let cmax = Double(row["concentration.cmax [µM]"]!)!
      #expect(abs(cmax / SweepFixture.bateman(t: tmax, mg: mg) - 1) < 1e-5)
      #expect(abs(Double(row["concentration.tmax_h [h]"]!)! - tmax) <= 0.005 + 1e-12)
      // ∫0^T C dt = F n ka/(V (ka-ke)) [ (1-e^{-ke T})/ke - (1-e^{-ka T})/ka ]
      let n = mg / 250 * 1000, T = 24.0
      let auc = 0.8 * n * ka / (35 * (ka - ke)) * ((1 - exp(-ke * T)) / ke - (1 - exp(-ka * T)) / ka)
      #expect(abs(Double(row["concentration.auc [µM*h]"]!)! / auc - 1) < 1e-4)  // trapezoid on a 0.01 h grid
      #expect(row["concentration.baseline [µM]"] == "0.0")
      #expect(row["concentration.fold [1]"] == "")  // undefined over a zero baseline
    }
  }

  @Test func aDailyDoseIsSplitOverTheDaysAdministrations() throws {
    // 400 mg/day twice daily for 3 days = 6 doses of 200 mg; the amount in the body at the end is
    // a sum of Bateman terms, checked through the concentration at 72 h.
    let plan = try SweepFixture.plan(axes: ["daily_dose=400mg"], fixed: ["route=oral", "substance=drug", "schedule=twice daily"],
                                     every: 0.5, until: 72)
    let (request, window) = try plan.builder.request(plan.values(ofScenario: 0))
    #expect(window == 12)
    let events = try request.regimen.expanded(until: 72)
    #expect(events.count == 6)
    let folder = try SweepFixture.run(plan, jobs: 1)
    let row = SweepFixture.rows(try SweepFixture.read(folder, "summary.csv"))[0]
    let final = (0..<6).map { SweepFixture.bateman(t: 72 - 12 * Double($0), mg: 200) }.reduce(0, +)
    let trough = Double(row["concentration.trough [µM]"]!)!
    // The trough over the last interval (60–72 h) is at 60 h or 72 h on this grid.
    let at60 = (0..<5).map { SweepFixture.bateman(t: 60 - 12 * Double($0), mg: 200) }.reduce(0, +)
    #expect(abs(trough / min(final, at60) - 1) < 1e-5)
  }
}
