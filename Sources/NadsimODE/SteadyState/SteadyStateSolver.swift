import Foundation
import NadsimLinearAlgebra

/// Finds a steady state f(t₀, y) = 0 of an ODE system for a chosen subset of the states (the
/// others are held at their given values): damped Newton with the exact Jacobian and LAPACK's dense
/// LU (`dgetrf`/`dgetrs`), falling back to integrating the system in time with a stiff method when
/// Newton does not converge, then polishing with Newton.
///
/// Used for the untreated baseline of a model before any dose. A species that accumulates without
/// bound (a cumulative urine store) must not be in the free subset: it has no steady state.
public struct SteadyStateSolver {
  /// Newton converges when every free component's update is below
  /// `tolerance`·max(|yᵢ|, `scale`) and the residual's weighted norm has stopped falling.
  public var tolerance = 1e-10
  /// Magnitude below which a component counts as zero (absolute part of the test).
  public var scale = 1e-12
  public var maxNewtonIterations = 50
  /// Length of the fallback integration, in model time units, and its method.
  public var fallbackDuration = 1e6
  public var fallbackMethod: Method = .rodas5p

  public init() {}

  public struct Result {
    /// The full state (fixed components unchanged).
    public var state: [Double]
    /// max |f(y)| over the free components at the returned state.
    public var residual: Double
    public var newtonIterations: Int
    /// Whether the time-integration fallback was needed.
    public var usedFallback: Bool
  }

  public struct Failure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  /// Solves for the components listed in `free` (all when nil), starting from `initial`.
  public func solve(_ system: ODESystem, at t0: Double = 0, initial: [Double], free: [Int]? = nil) throws -> Result {
    let n = system.dimension
    let freeIndices = free ?? Array(0..<n)
    guard initial.count == n else { throw Failure(message: "initial state has \(initial.count) values; the system has \(n)") }
    if freeIndices.isEmpty {
      return Result(state: initial, residual: 0, newtonIterations: 0, usedFallback: false)
    }
    if let newton = newton(system, t0, initial, freeIndices) { return newton }
    // Fallback: relax in time, then polish.
    var options = SolverOptions(method: fallbackMethod, tolerances: Tolerances(relative: 1e-8, absolute: 1e-14))
    options.saving = .finalOnly
    let fixed = Set(0..<n).subtracting(freeIndices)
    let held = fixed.isEmpty ? system : holding(system, fixed: Array(fixed))
    let relaxed = NadsimODE.solve(held, from: t0, y0: initial, to: t0 + fallbackDuration, options: options)
    guard relaxed.returnCode == .success else {
      throw Failure(message: "no steady state: Newton did not converge and integrating in time failed (\(relaxed.returnCode))")
    }
    if var polished = newton(system, t0, relaxed.finalState, freeIndices) {
      polished.usedFallback = true
      return polished
    }
    throw Failure(message: "no steady state: Newton did not converge from the initial values nor after integrating for \(fallbackDuration) time units (the state may grow without bound)")
  }

  /// The same system with the `fixed` components' derivatives set to zero.
  private func holding(_ system: ODESystem, fixed: [Int]) -> ODESystem {
    ODESystem(dimension: system.dimension, jacobianStructure: system.jacobianStructure,
              isAutonomous: system.isAutonomous,
              rhs: { t, y, dy in
                system.rhs(t, y, dy)
                for i in fixed { dy[i] = 0 }
              },
              jacobian: system.jacobian.map { jacobian in
                { t, y, J in
                  jacobian(t, y, J)
                  for i in fixed { for j in 0..<system.dimension where J.contains(i, j) { J[i, j] = 0 } }
                }
              })
  }

  private func newton(_ system: ODESystem, _ t0: Double, _ start: [Double], _ free: [Int]) -> Result? {
    let n = system.dimension, m = free.count
    var y = start
    var f = [Double](repeating: 0, count: n)
    var trial = y
    var fTrial = f
    let evaluator = JacobianEvaluator(system: system)
    let lu = DenseLU(dimension: m, forceLAPACK: true)
    let reduced = UnsafeMutablePointer<Double>.allocate(capacity: m * m)
    let atol = UnsafeMutablePointer<Double>.allocate(capacity: n)
    defer { reduced.deallocate(); atol.deallocate() }
    for i in 0..<n { atol[i] = scale }
    var step = [Double](repeating: 0, count: m)

    func residual(_ f: [Double]) -> Double { free.map { abs(f[$0]) }.max() ?? 0 }
    func evaluate(_ y: [Double], _ f: inout [Double]) -> Bool {
      y.withUnsafeBufferPointer { yp in f.withUnsafeMutableBufferPointer { system.rhs(t0, yp.baseAddress!, $0.baseAddress!) } }
      return f.allSatisfy(\.isFinite)
    }
    guard evaluate(y, &f) else { return nil }
    for iteration in 1...maxNewtonIterations {
      f.withUnsafeBufferPointer { fp in
        y.withUnsafeBufferPointer { evaluator.evaluate(t: t0, y: $0.baseAddress!, f0: fp.baseAddress!, atol: atol) }
      }
      let view = evaluator.view
      for (c, j) in free.enumerated() { for (r, i) in free.enumerated() { reduced[r + c * m] = view[i, j] } }
      // Solve J·Δ = −f  ⇔  (0·I − (−1)·J)Δ = −f.
      guard lu.factor(jacobian: reduced, diagonal: 0, scale: -1) else { return nil }
      for (r, i) in free.enumerated() { step[r] = -f[i] }
      step.withUnsafeMutableBufferPointer { lu.solve($0.baseAddress!) }
      // Backtracking on the residual; keep concentrations from jumping far below zero.
      var lambda = 1.0
      let current = residual(f)
      var accepted = false
      for _ in 0..<30 {
        trial = y
        for (r, i) in free.enumerated() { trial[i] = y[i] + lambda * step[r] }
        if evaluate(trial, &fTrial) && residual(fTrial) < (1 - 1e-4 * lambda) * current || current == 0 {
          accepted = true
          break
        }
        lambda *= 0.5
      }
      if !accepted {
        // The full step may still be the converged one (residual at roundoff).
        trial = y
        for (r, i) in free.enumerated() { trial[i] = y[i] + step[r] }
        guard evaluate(trial, &fTrial) else { return nil }
      }
      let converged = free.enumerated().allSatisfy { r, i in
        abs(lambda * step[r]) <= tolerance * max(abs(trial[i]), scale)
      }
      y = trial
      f = fTrial
      if converged {
        return Result(state: y, residual: residual(f), newtonIterations: iteration, usedFallback: false)
      }
      if !accepted && lambda < 1e-6 { return nil }
    }
    return nil
  }
}
