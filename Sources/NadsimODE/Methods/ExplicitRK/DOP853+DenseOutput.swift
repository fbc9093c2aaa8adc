// DOP853's order-7 dense output (``DOP853Dense``): three extra stages, computed only when output
// between steps is first asked for after a step, then eight vectors r₁…r₈ evaluated by a nested
// product in θ.

extension ExplicitRKStepper {
  /// Evaluates f(t₁, y₁) (shared with the next step), the stages 14–16, and r₂…r₈ into `dense`
  /// (r₁ = y₀ is not copied). Four RHS calls at most.
  func prepareDOP853Dense() {
    ensureEndDerivative()
    let argument = argumentA
    for e in 0..<3 {
      combine(into: argument, y0, denseStageRows[e], step: h)
      system.rhs(tPrevious + denseC[e] * h, argument, k + (13 + e) * n)
    }
    rhsCalls += 3

    let r2 = dense, r3 = dense + n, r4 = dense + 2 * n
    let k1 = k, k13 = k + 12 * n
    for m in 0..<n {
      let difference = y[m] - y0[m]
      let bspl = h * k1[m] - difference
      r2[m] = difference
      r3[m] = bspl
      r4[m] = difference - h * k13[m] - bspl
    }
    for r in 0..<4 { combine(into: dense + (3 + r) * n, nil, denseRows[r], step: h) }
    denseReady = true
  }

  /// r₁ + θ(r₂ + θ'(r₃ + θ(r₄ + θ'(r₅ + θ(r₆ + θ'(r₇ + θ r₈)))))), θ' = 1 − θ.
  func evaluateDOP853Dense(theta: Double, into out: UnsafeMutablePointer<Double>) {
    let theta1 = 1 - theta
    for m in 0..<n {
      var v = dense[6 * n + m]
      v = dense[5 * n + m] + theta * v
      v = dense[4 * n + m] + theta1 * v
      v = dense[3 * n + m] + theta * v
      v = dense[2 * n + m] + theta1 * v
      v = dense[n + m] + theta * v
      v = dense[m] + theta1 * v
      out[m] = y0[m] + theta * v
    }
  }
}
