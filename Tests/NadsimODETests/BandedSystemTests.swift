import Foundation
import Testing
import NadsimLinearAlgebra
import NadsimODE

/// The heat equation uₜ = uₓₓ on (0, 1), u = 0 at both ends, by the method of lines with N interior
/// points (a tridiagonal, banded Jacobian). With u(0, x) = sin(πx), the semi-discrete system has the
/// exact solution uᵢ(t) = e^(λt)·sin(πxᵢ) with λ = −(4/h²)·sin²(πh/2) (sin(πxᵢ) is an eigenvector of
/// the discrete Laplacian): a closed-form reference for the ODE system itself.
@Suite("Banded systems")
struct BandedSystemTests {
  static let n = 40
  static let h = 1.0 / Double(n + 1)

  static func system(banded: Bool, analyticJacobian: Bool) -> ODESystem {
    let n = Self.n, inverseH2 = 1 / (Self.h * Self.h)
    return ODESystem(
      dimension: n, jacobianStructure: banded ? .banded(lower: 1, upper: 1) : .dense,
      isAutonomous: true,
      rhs: { _, u, du in
        for i in 0..<n {
          let left = i > 0 ? u[i - 1] : 0, right = i < n - 1 ? u[i + 1] : 0
          du[i] = (left - 2 * u[i] + right) * inverseH2
        }
      },
      jacobian: analyticJacobian ? { _, _, J in
        for i in 0..<n {
          J[i, i] = -2 * inverseH2
          if i > 0 { J[i, i - 1] = inverseH2 }
          if i < n - 1 { J[i, i + 1] = inverseH2 }
        }
      } : nil)
  }

  static func exact(_ t: Double) -> [Double] {
    let lambda = -4 / (h * h) * pow(sin(Double.pi * h / 2), 2)
    return (1...n).map { exp(lambda * t) * sin(Double.pi * Double($0) * h) }
  }

  @Test("banded LU (analytic or grouped finite-difference Jacobian) matches the exact semi-discrete solution",
        arguments: Method.allCases.filter(\.isStiff), [true, false])
  func matchesExact(method: Method, analyticJacobian: Bool) {
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: 1e-8, absolute: 1e-12))
    options.saving = .finalOnly
    let y0 = Self.exact(0)
    let banded = solve(Self.system(banded: true, analyticJacobian: analyticJacobian), from: 0, y0: y0,
                       to: 0.1, options: options)
    #expect(banded.returnCode == .success)
    let reference = Self.exact(0.1)
    let worst = zip(banded.finalState, reference).map { abs($0 - $1) }.max()!
    #expect(worst <= 1e-6 * reference.map(abs).max()!, "\(method.rawValue): worst error \(worst)")
    if !analyticJacobian {
      // Column grouping: a tridiagonal Jacobian costs 3 RHS calls, not n.
      #expect(banded.statistics.rhsEvaluationsForJacobian == 3 * banded.statistics.jacobianEvaluations)
    }
  }

  @Test("banded and dense LU give the same solution", arguments: Method.allCases.filter(\.isStiff))
  func bandedMatchesDense(method: Method) {
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: 1e-8, absolute: 1e-12))
    options.saving = .finalOnly
    let y0 = Self.exact(0)
    let banded = solve(Self.system(banded: true, analyticJacobian: true), from: 0, y0: y0, to: 0.1, options: options)
    let dense = solve(Self.system(banded: false, analyticJacobian: true), from: 0, y0: y0, to: 0.1, options: options)
    #expect(banded.statistics.steps == dense.statistics.steps)
    let worst = zip(banded.finalState, dense.finalState).map { abs($0 - $1) }.max()!
    #expect(worst <= 1e-12, "\(method.rawValue): banded vs dense \(worst)")
  }
}
