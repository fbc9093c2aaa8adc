import Foundation
import Testing
import NadsimODE
import NadsimLinearAlgebra

/// BDF with a banded Jacobian (banded LU, and column-grouped finite differences when no Jacobian is
/// given) must solve the same problem as with dense storage. The problem: the method-of-lines heat
/// equation u_t = u_xx on (0, 1), u = 0 at both ends, n = 40 interior points, u(0, x) = sin(πx),
/// whose semi-discrete solution is exactly u_i(t) = e^(−μt)·sin(πx_i) with
/// μ = (4/Δx²)·sin²(πΔx/2) (the eigenvalue of the second-difference matrix for that mode).
@Suite("BDF with banded Jacobians")
struct BDFBandedJacobianTests {
  static let n = 40
  static let dx = 1.0 / Double(n + 1)

  static func heat(_ structure: MatrixStructureChoice, exactJacobian: Bool) -> ODESystem {
    let n = BDFBandedJacobianTests.n
    let c = 1 / (dx * dx)
    let rhs: ODESystem.RightHandSide = { _, u, du in
      for i in 0..<n {
        let left = i > 0 ? u[i - 1] : 0, right = i < n - 1 ? u[i + 1] : 0
        du[i] = c * (left - 2 * u[i] + right)
      }
    }
    let jacobian: ODESystem.Jacobian = { _, _, J in
      for i in 0..<n {
        J[i, i] = -2 * c
        if i > 0 { J[i, i - 1] = c }
        if i < n - 1 { J[i, i + 1] = c }
      }
    }
    return ODESystem(dimension: n, jacobianStructure: structure.structure, isAutonomous: true,
                     rhs: rhs, jacobian: exactJacobian ? jacobian : nil)
  }

  enum MatrixStructureChoice: CaseIterable {
    case dense, banded
    var structure: MatrixStructure {
      switch self {
      case .dense: return .dense
      case .banded: return .banded(lower: 1, upper: 1)
      }
    }
  }

  static func exact(_ t: Double) -> [Double] {
    let mu = 4 / (dx * dx) * pow(sin(Double.pi * dx / 2), 2)
    return (1...n).map { exp(-mu * t) * sin(Double.pi * Double($0) * dx) }
  }

  @Test("dense and banded storage, exact and finite-difference Jacobians, all reach e^(−μt)·sin(πx)",
        arguments: [false, true])
  func bandedMatchesDense(exactJacobian: Bool) {
    let rtol = 1e-6, atol = 1e-9
    var options = SolverOptions(method: .bdf, tolerances: Tolerances(relative: rtol, absolute: atol))
    options.saving = .finalOnly
    let y0 = BDFBandedJacobianTests.exact(0)
    let reference = BDFBandedJacobianTests.exact(0.1)
    var finals: [[Double]] = []
    for choice in MatrixStructureChoice.allCases {
      let solution = solve(BDFBandedJacobianTests.heat(choice, exactJacobian: exactJacobian),
                           from: 0, y0: y0, to: 0.1, options: options)
      #expect(solution.returnCode == .success)
      // Normwise global error within 10 tolerance units at the solution's scale (max|u| = 1).
      let error = zip(solution.finalState, reference).map { abs($0 - $1) }.max()!
      #expect(error <= 10 * (atol + rtol), "\(choice): error \(error)")
      if !exactJacobian && choice == .banded {
        // Column grouping: a tridiagonal finite-difference Jacobian costs 3 RHS calls, not n.
        #expect(solution.statistics.rhsEvaluationsForJacobian
                == 3 * solution.statistics.jacobianEvaluations)
      }
      finals.append(solution.finalState)
    }
    let difference = zip(finals[0], finals[1]).map { abs($0 - $1) }.max()!
    #expect(difference <= 10 * (atol + rtol))
  }
}
