import Foundation

/// Hairer's starting step-size heuristic (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4,
/// "Starting step size"): h₀ from ‖y₀‖ and ‖f(t₀,y₀)‖, then refined with one explicit Euler step so
/// that h^(p+1)·max(‖f‖, ‖f′‖) ≈ 0.01.
///
/// - Parameters:
///   - f0: f(t0, y0), already evaluated.
///   - order: order p of the method.
///   - scratch1, scratch2: n doubles each, overwritten.
/// - Returns: the step size and the number of RHS evaluations it used (one).
func initialStepSize(
  system: ODESystem, t0: Double, y0: UnsafePointer<Double>, f0: UnsafePointer<Double>,
  order: Int, norm: ErrorNorm, direction: Double, maxStep: Double, limit: Double,
  scratch1: UnsafeMutablePointer<Double>, scratch2: UnsafeMutablePointer<Double>
) -> Double {
  let n = system.dimension
  let d0 = norm(y0, weightsFrom: y0)
  let d1 = norm(f0, weightsFrom: y0)
  var h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1
  h0 = min(h0, maxStep, abs(limit - t0))
  for i in 0..<n { scratch1[i] = y0[i] + direction * h0 * f0[i] }
  system.rhs(t0 + direction * h0, scratch1, scratch2)
  for i in 0..<n { scratch2[i] = (scratch2[i] - f0[i]) / h0 }
  let d2 = norm(scratch2, weightsFrom: y0)
  let big = max(d1, d2)
  let h1 = big <= 1e-15 ? max(1e-6, h0 * 1e-3) : pow(0.01 / big, 1 / Double(order + 1))
  var h = min(100 * h0, h1, maxStep, abs(limit - t0))
  if !h.isFinite || h <= 0 { h = min(1e-6, abs(limit - t0)) }
  return h
}

/// The first step after a (re)start, shared by the one-step methods: the fixed step when there
/// is one, else the requested step capped by `maxStep`, else Hairer's estimate (`estimate`, which
/// costs one RHS call). Returns the step and whether the estimate (and its RHS call) was used.
func startingStep(fixedStep: Double?, requested: Double, maxStep: Double,
                  estimate: () -> Double) -> (step: Double, estimated: Bool) {
  if let fixed = fixedStep { return (fixed, false) }
  if requested > 0 { return (min(requested, maxStep), false) }
  return (estimate(), true)
}

/// The step a one-step method attempts from `t` towards `limit` (the next stop or the end):
/// the proposed step, or exactly the rest of the way when the proposal reaches or nearly reaches
/// the limit (so that no sliver of a step is left).
@inline(__always)
func clippedToLimit(_ proposed: Double, t: Double, limit: Double) -> (step: Double, landsOnLimit: Bool) {
  if t + proposed >= limit || (limit - t - proposed) < 1e-12 * proposed { return (limit - t, true) }
  return (proposed, false)
}

/// Whether a step is lost in the rounding of `t` (the step size has underflowed).
@inline(__always)
func isLostInRounding(_ step: Double, at t: Double) -> Bool { step <= 16 * t.ulp.magnitude || step <= 0 }

/// ``clippedToLimit(_:t:limit:)`` for the scalar one-step methods, failing with step-size
/// underflow, or with a non-finite RHS when non-finite evaluations are why the step shrank, when
/// the step is lost in the rounding of `t`.
@inline(__always)
func clippedStep(proposed: Double, t: Double, limit: Double, nonFiniteSinceErrorTest: Bool)
  -> Result<(step: Double, landsOnLimit: Bool), SolveFailure> {
  let clipped = clippedToLimit(proposed, t: t, limit: limit)
  if isLostInRounding(clipped.step, at: t) {
    return .failure(SolveFailure(nonFiniteSinceErrorTest ? .rhsNotFinite(t: t) : .stepSizeUnderflow(t: t)))
  }
  return .success(clipped)
}

/// A ``ReturnCode`` as an `Error`, for ``clippedStep(proposed:t:limit:nonFiniteSinceErrorTest:)``.
struct SolveFailure: Error {
  let code: ReturnCode
  init(_ code: ReturnCode) { self.code = code }
}
