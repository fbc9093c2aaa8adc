extension RadauStepper {
  /// The local error estimate of RADAU5 (Hairer & Wanner, Solving ODEs II, §IV.8, eq. 8.19–8.21):
  ///
  ///     err = (γ/h·I − J)⁻¹ (f(t, y) + Σ eᵢZᵢ/h)
  ///
  /// the difference to an embedded solution of order 3, multiplied by (I − hγ⁻¹J)⁻¹ so that it
  /// does not blow up for stiff components (hJ → ∞ would otherwise give err ~ hJ·y). On the first
  /// step after a (re)start and after a rejection, an estimate above 1 is filtered once more,
  /// err = (γ/h·I − J)⁻¹ (f(t, y + err) + Σ eᵢZᵢ/h), which removes the remaining overestimation
  /// for very stiff components (eq. 8.22). Returns the weighted RMS norm, with weights from the
  /// larger of |y| and |y + Z₃| as in the other steppers.
  func estimateError(step h: Double) -> Double {
    let n = n
    let z1 = z, z2 = z + n, z3 = z + 2 * n
    let e = RadauIIA5.errorWeights
    let (e1, e2, e3) = (e[0] / h, e[1] / h, e[2] / h)
    for m in 0..<n {
      let v = e1 * z1[m] + e2 * z2[m] + e3 * z3[m]
      errorRHS[m] = v
      error[m] = f0[m] + v
      argument[m] = y[m] + z3[m]
    }
    realSolver.solve(error)
    var errorNorm = norm(error, y, argument)
    if errorNorm >= 1 && (!hasStep || lastRejected) {
      // The stage values are no longer needed: F's first two blocks serve as scratch.
      let shifted = f, value = f + n
      for m in 0..<n { shifted[m] = y[m] + error[m] }
      system.rhs(t, shifted, value)
      rhsCalls += 1
      if allFinite(value, n) {
        for m in 0..<n { error[m] = value[m] + errorRHS[m] }
        realSolver.solve(error)
        errorNorm = norm(error, y, argument)
      }
    }
    return errorNorm
  }
}
