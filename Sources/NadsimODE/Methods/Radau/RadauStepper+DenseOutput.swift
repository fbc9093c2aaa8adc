extension RadauStepper {
  /// Stores the collocation polynomial of the accepted stages and moves y to y + Z₃ (with
  /// compensated summation).
  ///
  /// The polynomial u of degree 3 with u(t₀) = y₀ and u(t₀ + cᵢh) = y₀ + Zᵢ is kept in Newton form
  /// about the step's end, in s = (time − t₁)/h ∈ [−1, 0], on the nodes 0, c₂ − 1, c₁ − 1 (and −1):
  ///
  ///     u = y₁ + s·(D₁ + (s − c₂ + 1)·(D₂ + (s − c₁ + 1)·D₃))
  ///
  /// with D₁, D₂, D₃ its divided differences. The same form evaluated at s > 0 gives the starting
  /// values of the next step's Newton iteration.
  func acceptStages(step h: Double) {
    let n = n
    let z1 = z, z2 = z + n, z3 = z + 2 * n
    let d1 = cont, d2 = cont + n, d3 = cont + 2 * n
    let c = RadauIIA5.c
    let (c1, c2) = (c[0], c[1])
    let (c1m1, c2m1, c1mc2) = (c1 - 1, c2 - 1, c1 - c2)
    for m in 0..<n {
      let (a1, a2, a3) = (z1[m], z2[m], z3[m])
      let first = (a2 - a3) / c2m1  // nodes 0, c₂ − 1
      let between = (a1 - a2) / c1mc2  // nodes c₂ − 1, c₁ − 1
      let second = (between - first) / c1m1  // nodes 0, c₂ − 1, c₁ − 1
      let lowerSecond = (between - a1 / c1) / c2  // nodes c₂ − 1, c₁ − 1, −1 (u = y₀ there)
      d1[m] = first
      d2[m] = second
      d3[m] = second - lowerSecond  // nodes 0, c₂ − 1, c₁ − 1, −1
      // y += Z₃, compensated (Kahan): over tens of thousands of steps at rtol ≲ 1e-11 the
      // rounding of plain sums costs about half a digit (VDPOL, HIRES, OREGO).
      let increment = a3 - compensation[m]
      let sum = y[m] + increment
      compensation[m] = (sum - y[m]) - increment
      y[m] = sum
    }
  }

  public func interpolate(at time: Double, into out: UnsafeMutablePointer<Double>) {
    guard hLast > 0 else {
      for m in 0..<n { out[m] = y[m] }
      return
    }
    let s = (time - t) / hLast
    let c = RadauIIA5.c
    let (c1m1, c2m1) = (c[0] - 1, c[1] - 1)
    let d1 = cont, d2 = cont + n, d3 = cont + 2 * n
    for m in 0..<n {
      out[m] = y[m] + s * (d1[m] + (s - c2m1) * (d2[m] + (s - c1m1) * d3[m]))
    }
  }
}
