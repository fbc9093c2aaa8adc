import Testing
import NadsimODE
import NadsimProblems

/// Each stiff method and `auto` must reach the final-time references of the five stiff problems
/// of the Test Set for IVP Solvers (Mazzia, Magherini et al., Univ. Bari, release 2.4; reference
/// values from the problem files' `solut`, computed there with RADAU/RADAU5 at ~1e-18): mescd ≥ 4
/// at rtol 1e-6 and mescd ≥ 7 at rtol 1e-10, with atol = atol_factor × rtol (test-set convention).
@Suite("Stiff test set accuracy")
struct StiffAccuracyTests {
  static let stiffMethods = Method.allCases.filter { $0.isStiff || $0.rawValue == "auto" }

  static let cases: [(Method, String, Double, Double)] = stiffMethods.flatMap { method in
    TestProblem.stiffTestSet.flatMap { problem in
      [(method, problem.name, 1e-6, 4.0), (method, problem.name, 1e-10, 7.0)]
    }
  }

  @Test("reaches the Bari reference at the final time", arguments: cases)
  func reachesReference(method: Method, problemName: String, rtol: Double, minimumMescd: Double) {
    let problem = TestProblem.named(problemName)!
    let tolerances = problem.tolerances(rtol: rtol)
    var options = SolverOptions(method: method, tolerances: tolerances)
    options.saving = .finalOnly
    let solution = solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd,
                         options: options)
    #expect(solution.returnCode == .success)
    let mescd = AccuracyMeasures.mescd(solution.finalState, reference: problem.reference,
                                       rtol: rtol, atol: tolerances.absolute[0])
    #expect(mescd >= minimumMescd, "\(method) \(problemName) rtol \(rtol): mescd \(mescd)")
  }
}
