import Foundation
import Testing
import NadsimODE

/// The failure mode of the topical wash-off in Models/nad-human.yaml, reduced to one equation.
///
/// The film-to-stratum-corneum flux there is k·(s/V − c·s/(s + ε)) for the amount s in the product
/// film, with ε = `film_presence_amount`. After the wash-off sets s = 0, the back-partition term
/// alone drives s: with c frozen and 1/V neglected,
///
///     s′ = a·s/(s + ε),   a = k·c.
///
/// s = 0 is an equilibrium, but an unstable one (∂f/∂s = a/ε there: 238 /h for NMN in the failing
/// scenario), and the rate law has a pole at s = −ε. Separating variables gives the closed form
///
///     s − s₀ + ε·ln(s/s₀) = a·t,
///
/// so a perturbation s₀ < 0 (rounding in the Newton solve is enough) reaches −ε, where s′ → −∞,
/// at t* = (−ε − s₀ + ε·ln(ε/|s₀|))/a: the exact solution ends there. A perturbation s₀ > 0 grows
/// instead and turns into the linear growth s ≈ a·t (mass flowing back into the washed-off film).
/// BDF must follow the closed form in both cases: report a failure at t* (not before it), and
/// solve the positive case to its end. These are the properties the wash-off failure was checked
/// against; the cure is in the model, not in the solver (see Models/nad-human.yaml).
@Suite("BDF at an unstable equilibrium with a pole (topical wash-off)")
struct BDFUnstableEquilibriumTests {
  static let epsilon = 1e-6
  static let a = 238 * epsilon

  static let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in
    dy[0] = a * y[0] / (y[0] + epsilon)
  }, jacobian: { _, y, J in
    let d = y[0] + epsilon
    J[0, 0] = a * epsilon / (d * d)
  })

  /// t at which the exact solution from s₀ passes s (s of the sign of s₀, |s| ≥ |s₀|).
  static func time(of s: Double, from s0: Double) -> Double {
    (s - s0 + epsilon * log(s / s0)) / a
  }

  /// The exact s(t) from s₀, by bisection on the closed form (monotone in s).
  static func exact(_ t: Double, from s0: Double) -> Double {
    var lo: Double, hi: Double
    if s0 < 0 {
      lo = -epsilon * (1 - 1e-15)
      hi = s0
    } else {
      lo = s0
      hi = s0 + a * t + 1
    }
    for _ in 0..<200 {
      let mid = 0.5 * (lo + hi)
      let tm = time(of: mid, from: s0)
      if (tm < t) == (s0 > 0) { lo = mid } else { hi = mid }
    }
    return 0.5 * (lo + hi)
  }

  static func options(_ method: Method) -> SolverOptions {
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: 1e-8, absolute: 1e-30))
    options.saving = .everyStep
    return options
  }

  @Test("a negative perturbation: BDF tracks the closed form and fails at the pole time t*",
        arguments: [-1e-12, -1e-18])
  func negativePerturbationReachesThePole(s0: Double) {
    let tStar = (-BDFUnstableEquilibriumTests.epsilon - s0
                 + BDFUnstableEquilibriumTests.epsilon * log(BDFUnstableEquilibriumTests.epsilon / -s0))
      / BDFUnstableEquilibriumTests.a
    let solution = solve(BDFUnstableEquilibriumTests.system, from: 0, y0: [s0], to: 2 * tStar,
                         options: BDFUnstableEquilibriumTests.options(.bdf))
    #expect(solution.returnCode != .success)
    // It stops at the singularity, not before it (to 0.1 % of t*).
    #expect(abs(solution.finalTime - tStar) <= 1e-3 * tStar, "stopped at \(solution.finalTime), t* = \(tStar)")
    // Up to half-way down to −ε, every accepted state is on the exact solution.
    var checked = 0
    for (k, time) in solution.times.enumerated() {
      let value = solution.state(at: k).first!
      guard value > -0.5 * BDFUnstableEquilibriumTests.epsilon else { break }
      let exact = BDFUnstableEquilibriumTests.exact(time, from: s0)
      #expect(abs(value - exact) <= 1e-4 * abs(exact), "t = \(time)")
      checked += 1
    }
    #expect(checked > 10)
  }

  @Test("a positive perturbation: BDF and Rodas5P solve the run-away to the closed form")
  func positivePerturbationGrows() {
    let s0 = 1e-12, tEnd = 0.5
    let exact = BDFUnstableEquilibriumTests.exact(tEnd, from: s0)
    #expect(exact > 100 * BDFUnstableEquilibriumTests.epsilon)
    for method in [Method.bdf, .rodas5p] {
      let solution = solve(BDFUnstableEquilibriumTests.system, from: 0, y0: [s0], to: tEnd,
                           options: BDFUnstableEquilibriumTests.options(method))
      #expect(solution.returnCode == .success, "\(method)")
      #expect(abs(solution.finalState[0] - exact) <= 1e-5 * exact, "\(method): \(solution.finalState[0]) vs \(exact)")
    }
  }
}
