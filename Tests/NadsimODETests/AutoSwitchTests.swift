import Testing
import NadsimODE
import NadsimProblems

/// The automatic method switches to Rodas5P on stiff problems and stays with Tsit5 on non-stiff
/// ones.
@Suite("Automatic stiffness switching")
struct AutoSwitchTests {
  @Test("VDPOL: switches and reaches mescd ≥ 4 at rtol 1e-6")
  func vdpol() {
    // Reference: Test Set for IVP Solvers, release 2.4 (Univ. Bari), vdpol.f solut, as stored
    // in TestProblem.vdpol; atol = rtol (the test set's convention for VDPOL).
    let problem = TestProblem.vdpol
    let tolerances = problem.tolerances(rtol: 1e-6)
    var options = SolverOptions(method: .auto, tolerances: tolerances)
    options.saving = .finalOnly
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                         options: options)
    #expect(solution.returnCode == .success)
    #expect(solution.statistics.methodSwitches >= 1)
    #expect(solution.statistics.luFactorizations > 0)
    let mescd = AccuracyMeasures.mescd(solution.finalState, reference: problem.reference,
                                       rtol: 1e-6, atol: tolerances.absolute[0])
    #expect(mescd >= 4, "mescd \(mescd)")
  }

  @Test("non-stiff problems never switch", arguments: ["oscillator", "decay", "logistic"])
  func nonStiff(problemName: String) {
    let problem = TestProblem.named(problemName)!
    for rtol in [1e-4, 1e-6, 1e-8] {
      let options = SolverOptions(method: .auto, tolerances: problem.tolerances(rtol: rtol))
      let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                           options: options)
      #expect(solution.returnCode == .success)
      #expect(solution.statistics.methodSwitches == 0, "\(problemName) rtol \(rtol)")
      #expect(solution.statistics.luFactorizations == 0)
    }
  }

  @Test("a reused integrator gives the same answer: each solve starts with Tsit5")
  func reproducible() {
    let problem = TestProblem.vdpol
    var options = SolverOptions(method: .auto, tolerances: problem.tolerances(rtol: 1e-6))
    options.saving = .finalOnly
    let integrator = Integrator(system: problem.system, options: options)
    let first = integrator.solve(from: problem.t0, y0: problem.y0, to: problem.tEnd)
    let second = integrator.solve(from: problem.t0, y0: problem.y0, to: problem.tEnd)
    #expect(first.finalState == second.finalState)
    #expect(first.statistics.steps == second.statistics.steps)
  }

  @Test("auto is the default method")
  func isDefault() {
    #expect(SolverOptions().method == .auto)
    #expect(Method(rawValue: "auto") == .auto && Method(rawValue: "tsit5") == .tsit5)
    #expect(Method(rawValue: "dop853") == .dop853)
  }
}
