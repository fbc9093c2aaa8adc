import NadsimLinearAlgebra

/// Four scenarios of one ODE system y′ = f(t, y), evaluated together: the model is the same, the
/// parameters (captured by the closures) differ per lane.
///
/// Storage is lane-interleaved: state component i of all four lanes is one `SIMD4<Double>` at
/// `y[i]` (lane l in element l), so that every operation of the integrator on component i works on
/// one AVX2 register. The Jacobian has SIMD4 entries in the layout of ``jacobianStructure``: dense
/// column-major (∂fᵢ/∂yⱼ of all lanes at `J[i + j·n]`), or one entry per stored entry of a
/// sparsity pattern.
///
/// Each lane has its own time (lanes are independent integrations), so t is a SIMD4 too. Idle
/// lanes are still evaluated with whatever their stored state is, and their results are ignored;
/// a lane's NaN never reaches another lane (lane arithmetic is independent).
public struct EnsembleSystem {
  /// Lanes per batch: one `SIMD4<Double>` register on AVX2 targets.
  public static let lanes = 4
  public typealias Lanes = SIMD4<Double>
  /// f(t, y, dy) for four lanes (t per lane): `y` and `dy` hold ``dimension`` SIMD4 values.
  public typealias RightHandSide = (Lanes, UnsafePointer<Lanes>, UnsafeMutablePointer<Lanes>) -> Void
  /// J(t, y, J): writes ∂f/∂y (SIMD4 entries, layout of ``jacobianStructure``); the caller zeroes
  /// J first, so entries that are structurally zero need not be written.
  public typealias Jacobian = (Lanes, UnsafePointer<Lanes>, UnsafeMutablePointer<Lanes>) -> Void

  public let dimension: Int
  public let rhs: RightHandSide
  /// Exact Jacobian; nil for forward differences (n extra RHS calls per Jacobian).
  public let jacobian: Jacobian?
  /// True when f does not depend on t explicitly (skips the ∂f/∂t term of Rosenbrock methods).
  public var isAutonomous: Bool
  /// Exact ∂f/∂t(t, y, out) for four lanes, used by Rosenbrock methods for a system that is not
  /// autonomous; nil: a forward difference (one extra RHS call per step).
  public var timeDerivative: RightHandSide?
  /// Layout of the Jacobian the ``jacobian`` closure writes: `.dense` or `.sparse(pattern)`
  /// (a sparse layout needs an exact Jacobian).
  public let jacobianStructure: MatrixStructure
  /// Compiled factorisation and solve for a sparse layout (see ``LaneSparseKernels``), used by
  /// both lane integrators (their results then agree with the scalar solvers' within rounding,
  /// not bit for bit); nil: the loops.
  public var laneSparseKernels: LaneSparseKernels?
  /// How many components the integrators' weighted RMS norms (error tests, corrector
  /// convergence, step-size choice) average over: ``dimension`` by default. A system that is the
  /// moving part of a larger state, whose other components stay exactly zero and are not
  /// integrated, sets the larger count, so that those zeros count in the mean as they would if
  /// they were integrated, and the tolerances mean what they mean for the whole state.
  public var normDimension: Int

  public init(dimension: Int, isAutonomous: Bool = false, jacobianStructure: MatrixStructure = .dense,
              rhs: @escaping RightHandSide, jacobian: Jacobian? = nil) {
    precondition(dimension > 0, "an ODE system needs at least one state")
    switch jacobianStructure {
    case .dense: break
    case .sparse(let pattern):
      precondition(pattern.dimension == dimension && jacobian != nil, "a sparse Jacobian layout needs an exact n×n Jacobian")
    case .banded: preconditionFailure("ensemble Jacobians are dense or sparse")
    }
    self.jacobianStructure = jacobianStructure
    self.dimension = dimension
    normDimension = dimension
    self.isAutonomous = isAutonomous
    self.rhs = rhs
    self.jacobian = jacobian
  }

  /// Four copies of a scalar system, lane by lane (for tests and for systems without a
  /// vectorised form: no speed gain, but the same integrator). `systems` has 1…4 entries; missing
  /// lanes repeat the first. The closures share scratch buffers: use the result on one thread.
  public init(lanesOf systems: [ODESystem]) {
    precondition((1...Self.lanes).contains(systems.count) && systems.allSatisfy { $0.dimension == systems[0].dimension })
    let all = (0..<Self.lanes).map { $0 < systems.count ? systems[$0] : systems[0] }
    let n = systems[0].dimension
    let y = UnsafeMutablePointer<Double>.allocate(capacity: n)
    let dy = UnsafeMutablePointer<Double>.allocate(capacity: n)
    let jac = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
    let keeper = ScalarBuffers([y, dy, jac])
    let hasJacobian = all.allSatisfy { $0.jacobian != nil }
    self.init(
      dimension: n, isAutonomous: all.allSatisfy(\.isAutonomous),
      rhs: { t, ys, dys in
        _ = keeper
        for l in 0..<Self.lanes {
          for i in 0..<n { y[i] = ys[i][l] }
          all[l].rhs(t[l], y, dy)
          for i in 0..<n { dys[i][l] = dy[i] }
        }
      },
      jacobian: hasJacobian ? { t, ys, J in
        _ = keeper
        for l in 0..<Self.lanes {
          for i in 0..<n { y[i] = ys[i][l] }
          jac.update(repeating: 0, count: n * n)
          all[l].jacobian!(t[l], y, MatrixView(base: jac, dimension: n, structure: .dense))
          for e in 0..<(n * n) { J[e][l] = jac[e] }
        }
      } : nil)
    if all.allSatisfy({ $0.timeDerivative != nil }) {
      timeDerivative = { t, ys, outs in
        _ = keeper
        for l in 0..<Self.lanes {
          for i in 0..<n { y[i] = ys[i][l] }
          all[l].timeDerivative!(t[l], y, dy)
          for i in 0..<n { outs[i][l] = dy[i] }
        }
      }
    }
  }

  final class ScalarBuffers {
    let pointers: [UnsafeMutablePointer<Double>]
    init(_ pointers: [UnsafeMutablePointer<Double>]) { self.pointers = pointers }
    deinit { for p in pointers { p.deallocate() } }
  }
}

extension EnsembleSystem {
  /// J(t, y) for four lanes into `J` (`count` SIMD4 entries in the layout of
  /// ``jacobianStructure``, zeroed first): the exact ``jacobian``, or else forward differences
  /// lane by lane as the scalar ``JacobianEvaluator`` takes them (increment √u·max(|yⱼ|, 10³·atolⱼ),
  /// 10⁻⁵ where atolⱼ = 0; dense layout only). `f0` is f(t, y); `scratch` and `work` are n-vectors
  /// the method may overwrite. Returns the right-hand-side calls made (0 or n).
  @discardableResult
  func evaluateJacobian(
    t: Lanes, y: UnsafePointer<Lanes>, f0: UnsafePointer<Lanes>, atol: UnsafePointer<Lanes>,
    into J: UnsafeMutablePointer<Lanes>, count: Int,
    scratch: UnsafeMutablePointer<Lanes>, work: UnsafeMutablePointer<Lanes>
  ) -> Int {
    J.update(repeating: .zero, count: count)
    if let exact = jacobian {
      exact(t, y, J)
      return 0
    }
    precondition(jacobianStructure == .dense, "forward-difference Jacobians are dense")
    let n = dimension
    let sqrtU = Lanes(repeating: Double.ulpOfOne.squareRoot())
    let floor = Lanes(repeating: 1e-5)
    scratch.update(from: y, count: n)
    for j in 0..<n {
      let yj = y[j]
      var minimum = atol[j] * 1e3
      minimum.replace(with: floor, where: atol[j] .<= Lanes.zero)
      scratch[j] = yj + sqrtU * larger(magnitude(yj), minimum)
      let increment = scratch[j] - yj
      rhs(t, scratch, work)
      let column = J + j * n
      for i in 0..<n { column[i] = (work[i] - f0[i]) / increment }
      scratch[j] = yj
    }
    return n
  }
}
