import Foundation
import Testing
import NadsimODE
import NadsimLinearAlgebra

/// Sparse Jacobian storage (SparseLU; grouped finite differences without a Jacobian) through every
/// stiff method and `auto`, on the heat problem of ``BDFBandedJacobianTests`` (exact solution
/// e^(−μt)·sin(πx)) with its tridiagonal pattern.
@Suite("Sparse Jacobians in the steppers")
struct SparseSystemTests {
  static func pattern(_ n: Int) -> SparsityPattern {
    var entries: [(row: Int, column: Int)] = []
    for i in 0..<n {
      if i > 0 { entries.append((i, i - 1)) }
      if i < n - 1 { entries.append((i, i + 1)) }
    }
    return SparsityPattern(dimension: n, entries: entries)
  }

  static func heat(exactJacobian: Bool) -> ODESystem {
    let dense = BDFBandedJacobianTests.heat(.dense, exactJacobian: exactJacobian)
    let n = dense.dimension
    return ODESystem(dimension: n, jacobianStructure: .sparse(pattern(n)), isAutonomous: true,
                     rhs: dense.rhs, jacobian: dense.jacobian)
  }

  @Test("every stiff method with sparse storage reaches the exact solution",
        arguments: [NadsimODE.Method.bdf, .rodas5p, .radau5, .auto], [false, true])
  func reachesExactSolution(method: NadsimODE.Method, exactJacobian: Bool) {
    let rtol = 1e-6, atol = 1e-9
    var options = SolverOptions(method: method, tolerances: Tolerances(relative: rtol, absolute: atol))
    options.saving = .finalOnly
    let solution = solve(Self.heat(exactJacobian: exactJacobian), from: 0,
                         y0: BDFBandedJacobianTests.exact(0), to: 0.1, options: options)
    #expect(solution.returnCode == .success)
    let error = zip(solution.finalState, BDFBandedJacobianTests.exact(0.1)).map { abs($0 - $1) }.max()!
    #expect(error <= 10 * (atol + rtol), "\(method): error \(error)")
    if !exactJacobian && method != .auto {
      // Greedy grouping of a tridiagonal pattern: 3 groups, so 3 RHS calls per Jacobian.
      #expect(solution.statistics.rhsEvaluationsForJacobian == 3 * solution.statistics.jacobianEvaluations)
    }
  }
}
