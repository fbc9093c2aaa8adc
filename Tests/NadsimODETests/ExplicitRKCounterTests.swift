import Testing
import NadsimODE
import NadsimProblems

/// RHS counts worked out from the methods, not taken from a run.
///
/// Tsit5 has 7 stages and is FSAL: a start costs f(t₀, y₀) plus one call for the starting-step
/// heuristic (Hairer's, one explicit Euler probe), and every attempt, accepted or rejected, costs
/// the 6 stages 2…7 (stage 1 is the previous step's stage 7, or survives a rejection).
///
/// DOP853 has 12 stages and is not FSAL: an attempt costs stages 2…12 (11 calls); f(t₁, y₁) of an
/// accepted step costs one more, paid when the next step starts (so not after the last step);
/// the dense output costs 3 extra stages for each step it is asked of (f(t₁, y₁) is shared).
@Suite("Explicit RK counters")
struct ExplicitRKCounterTests {
  static func run(_ method: Method, initialStep: Double = 0, saving: SolverOptions.Saving = .finalOnly,
                  fixed: Double? = nil) -> Solution {
    let problem = TestProblem.harmonicOscillator
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: 1e-8, absolute: 1e-10))
    options.initialStep = initialStep
    options.saving = saving
    options.fixedStepSize = fixed
    return solve(problem.system, from: problem.t0, y0: problem.y0, to: problem.tEnd, options: options)
  }

  @Test("Tsit5: 2 + 6 per attempted step, dense output free")
  func tsit5() {
    for saving in [SolverOptions.Saving.finalOnly, .everyStep, .at([0.5, 1.5, 2.5, 7.25])] {
      let st = Self.run(.tsit5, saving: saving).statistics
      #expect(st.steps == st.acceptedSteps + st.rejectedSteps)
      #expect(st.rhsEvaluations == 2 + 6 * st.steps)
    }
  }

  @Test("Tsit5 with rejections: a rejected attempt costs 6 as well")
  func tsit5Rejections() {
    // A first step of 5 on the oscillator fails the error test several times.
    let st = Self.run(.tsit5, initialStep: 5).statistics
    #expect(st.rejectedSteps > 0)
    #expect(st.errorTestFailures == st.rejectedSteps)
    // No heuristic call when the first step is given.
    #expect(st.rhsEvaluations == 1 + 6 * st.steps)
  }

  @Test("Tsit5 fixed steps: 1 + 6 per step")
  func tsit5Fixed() {
    let st = Self.run(.tsit5, fixed: 0.1).statistics
    #expect(st.steps == 100 && st.rejectedSteps == 0)
    #expect(st.rhsEvaluations == 1 + 6 * 100)
  }

  @Test("DOP853: 2 + 11 per attempt + 1 per accepted step but the last")
  func dop853() {
    let st = Self.run(.dop853, initialStep: 5).statistics
    #expect(st.rejectedSteps > 0)
    #expect(st.errorTestFailures == st.rejectedSteps)
    #expect(st.rhsEvaluations == 1 + 11 * st.steps + (st.acceptedSteps - 1))
    let heuristic = Self.run(.dop853).statistics
    #expect(heuristic.rhsEvaluations == 2 + 11 * heuristic.steps + (heuristic.acceptedSteps - 1))
  }

  @Test("DOP853 dense output: 3 extra calls for the one step asked")
  func dop853Dense() {
    // One output time inside the solve: one step (not the last) pays its 3 extra stages.
    let st = Self.run(.dop853, saving: .at([4.321])).statistics
    #expect(st.rhsEvaluations == 2 + 11 * st.steps + (st.acceptedSteps - 1) + 3)
  }

  @Test("auto on a non-stiff problem is Tsit5, bit for bit")
  func autoIsTsit5() {
    let auto = Self.run(.auto, saving: .everyStep), tsit5 = Self.run(.tsit5, saving: .everyStep)
    #expect(auto.statistics.methodSwitches == 0)
    #expect(auto.statistics.rhsEvaluations == tsit5.statistics.rhsEvaluations)
    #expect(auto.statistics.steps == tsit5.statistics.steps)
    #expect(auto.times == tsit5.times && auto.states == tsit5.states)
  }
}
