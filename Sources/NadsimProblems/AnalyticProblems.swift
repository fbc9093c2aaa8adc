import Foundation
import NadsimODE

// Non-stiff problems with closed-form solutions, for convergence-order and dense-output tests.

extension TestProblem {
  /// y′ = −y·λ for three rates λ = 1, 2, 3: y(t) = y₀ e^(−λt).
  public static let exponentialDecay: TestProblem = {
    let rates = [1.0, 2.0, 3.0]
    let system = ODESystem(dimension: 3, isAutonomous: true, rhs: { _, y, dy in
      for i in 0..<3 { dy[i] = -rates[i] * y[i] }
    }, jacobian: { _, _, J in
      for i in 0..<3 { J[i, i] = -rates[i] }
    })
    let exact: (Double) -> [Double] = { t in rates.map { exp(-$0 * t) } }
    return TestProblem(
      name: "decay", summary: "y′ = −λy, λ = 1, 2, 3, t ∈ [0, 2]", system: system, t0: 0, tEnd: 2,
      y0: [1, 1, 1], reference: exact(2), referenceSource: "closed form y = exp(−λt)",
      atolFactor: 1e-3, exact: exact, isStiff: false)
  }()

  /// Harmonic oscillator y₁′ = y₂, y₂′ = −y₁: y = (cos t, −sin t).
  public static let harmonicOscillator: TestProblem = {
    let system = ODESystem(dimension: 2, isAutonomous: true, rhs: { _, y, dy in
      dy[0] = y[1]
      dy[1] = -y[0]
    }, jacobian: { _, _, J in
      J[0, 1] = 1
      J[1, 0] = -1
    })
    let exact: (Double) -> [Double] = { t in [cos(t), -sin(t)] }
    return TestProblem(
      name: "oscillator", summary: "harmonic oscillator, t ∈ [0, 10]", system: system, t0: 0,
      tEnd: 10, y0: [1, 0], reference: exact(10), referenceSource: "closed form (cos t, −sin t)",
      atolFactor: 1e-3, exact: exact, isStiff: false)
  }()

  /// Logistic growth y′ = r·y(1 − y/K): y(t) = K / (1 + (K/y₀ − 1)e^(−rt)).
  public static let logistic: TestProblem = {
    let r = 1.5, K = 10.0, y0 = 0.5
    let system = ODESystem(dimension: 1, isAutonomous: true, rhs: { _, y, dy in
      dy[0] = r * y[0] * (1 - y[0] / K)
    }, jacobian: { _, y, J in
      J[0, 0] = r * (1 - 2 * y[0] / K)
    })
    let exact: (Double) -> [Double] = { t in [K / (1 + (K / y0 - 1) * exp(-r * t))] }
    return TestProblem(
      name: "logistic", summary: "logistic growth r = 1.5, K = 10, t ∈ [0, 8]", system: system,
      t0: 0, tEnd: 8, y0: [y0], reference: exact(8),
      referenceSource: "closed form K / (1 + (K/y₀ − 1) e^(−rt))",
      atolFactor: 1e-3, exact: exact, isStiff: false)
  }()

  /// Nonlinear and non-autonomous: y′ = −2t·y², y(0) = 1, so y(t) = 1/(1 + t²). Linear problems can
  /// show a method's stability-function order rather than its classical order (Rodas5P is order
  /// 6 on y′ = Ay); this one measures the classical order and exercises ∂f/∂t.
  public static let rational: TestProblem = {
    let system = ODESystem(dimension: 1, isAutonomous: false, rhs: { t, y, dy in
      dy[0] = -2 * t * y[0] * y[0]
    }, jacobian: { t, y, J in
      J[0, 0] = -4 * t * y[0]
    })
    let exact: (Double) -> [Double] = { t in [1 / (1 + t * t)] }
    return TestProblem(
      name: "rational", summary: "y′ = −2t·y², y = 1/(1 + t²), t ∈ [0, 3]", system: system,
      t0: 0, tEnd: 3, y0: [1], reference: exact(3), referenceSource: "closed form 1/(1 + t²)",
      atolFactor: 1e-3, exact: exact, isStiff: false)
  }()
}
