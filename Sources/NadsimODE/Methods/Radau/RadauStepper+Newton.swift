import Foundation

/// How the stage iteration of one attempt ended.
enum RadauStageOutcome: Equatable {
  /// Converged after this many iterations; Z holds the stage increments.
  case converged(Int)
  /// Converging, but too slowly to finish within the allowed iterations: retry with h·factor.
  case slow(factor: Double)
  /// Not contracting (θ ≥ 0.99), or out of iterations.
  case diverged
  /// The RHS returned NaN or ±∞ at a stage.
  case nonFinite
}

extension RadauStepper {
  /// Solves the stage equations Zᵢ = h Σⱼ aᵢⱼ f(t + cⱼh, y + Zⱼ) by simplified Newton in the
  /// variables W = (T⁻¹ ⊗ I)Z (Hairer & Wanner, Solving ODEs II, §IV.8, eq. 8.15–8.16):
  ///
  ///     (γ/h·I − J) ΔW₁ = (T⁻¹F)₁ − γ/h·W₁
  ///     ((α + iβ)/h·I − J)(ΔW₂ + iΔW₃) = (T⁻¹F)₂ + i(T⁻¹F)₃ − (α + iβ)/h·(W₂ + iW₃)
  ///
  /// with F the stage values f(t + cᵢh, y + Zᵢ) of the current iterate, then Z = (T ⊗ I)W.
  /// Starts from the last step's collocation polynomial (zero after a restart). With ‖ΔW‖ the
  /// weighted RMS norm over the 3n components and θ the observed contraction rate, the iteration
  /// stops when θ/(1 − θ)·‖ΔW‖ ≤ ``newtonTolerance`` (the estimate of the remaining error), and
  /// gives up when θ ≥ 0.99 or when θ^(remaining iterations) predicts it will not get there.
  func solveStages(step h: Double) -> RadauStageOutcome {
    let n = n
    let z1 = z, z2 = z + n, z3 = z + 2 * n
    let w1 = w, w2 = w + n, w3 = w + 2 * n
    let f1 = f, f2 = f + n, f3 = f + 2 * n
    let c = RadauIIA5.c
    let (c1, c2) = (c[0], c[1])
    let (c1m1, c2m1) = (c1 - 1, c2 - 1)
    let ti = RadauIIA5.tInverse, tm = RadauIIA5.t
    let (ti11, ti12, ti13) = (ti[0], ti[1], ti[2])
    let (ti21, ti22, ti23) = (ti[3], ti[4], ti[5])
    let (ti31, ti32, ti33) = (ti[6], ti[7], ti[8])
    let (t11, t12, t13) = (tm[0], tm[1], tm[2])
    let (t21, t22, t23) = (tm[3], tm[4], tm[5])
    let (t31, t32, t33) = (tm[6], tm[7], tm[8])

    // Starting values: the previous collocation polynomial at the new stage times.
    if hasStep {
      let ratio = h / hLast
      let (s1, s2, s3) = (c1 * ratio, c2 * ratio, ratio)
      let d1 = cont, d2 = cont + n, d3 = cont + 2 * n
      for m in 0..<n {
        let (a1, a2, a3) = (d1[m], d2[m], d3[m])
        let y1 = s1 * (a1 + (s1 - c2m1) * (a2 + (s1 - c1m1) * a3))
        let y2 = s2 * (a1 + (s2 - c2m1) * (a2 + (s2 - c1m1) * a3))
        let y3 = s3 * (a1 + (s3 - c2m1) * (a2 + (s3 - c1m1) * a3))
        z1[m] = y1
        z2[m] = y2
        z3[m] = y3
        w1[m] = ti11 * y1 + ti12 * y2 + ti13 * y3
        w2[m] = ti21 * y1 + ti22 * y2 + ti23 * y3
        w3[m] = ti31 * y1 + ti32 * y2 + ti33 * y3
      }
    } else {
      for m in 0..<(3 * n) {
        z[m] = 0
        w[m] = 0
      }
    }

    let fixed = fixedStep != nil
    let maxIterations = fixed ? 4 * RadauStepper.maxNewtonIterations : RadauStepper.maxNewtonIterations
    // With a fixed step nothing can be retried smaller, and order studies need the stage
    // equations solved to roundoff.
    let tolerance = fixed ? roundoffFloor : newtonTolerance
    let g = RadauIIA5.gamma / h, a = RadauIIA5.alpha / h, b = RadauIIA5.beta / h
    let u = Double.ulpOfOne
    faccon = pow(max(faccon, u), 0.8)
    theta = RadauStepper.jacobianReuseRate
    var previousNorm = 0.0, previousRatio = 0.0
    var iterations = 0
    while true {
      if iterations >= maxIterations { return .diverged }
      for i in 0..<3 {
        let zi = z + i * n
        for m in 0..<n { argument[m] = y[m] + zi[m] }
        system.rhs(t + c[i] * h, argument, f + i * n)
      }
      rhsCalls += 3
      guard allFinite(f, 3 * n) else { return .nonFinite }

      // Right-hand sides (T⁻¹F − ΛW/h), overwriting F.
      for m in 0..<n {
        let (v1, v2, v3) = (f1[m], f2[m], f3[m])
        f1[m] = ti11 * v1 + ti12 * v2 + ti13 * v3 - g * w1[m]
        f2[m] = ti21 * v1 + ti22 * v2 + ti23 * v3 - (a * w2[m] - b * w3[m])
        f3[m] = ti31 * v1 + ti32 * v2 + ti33 * v3 - (b * w2[m] + a * w3[m])
      }
      realSolver.solve(f1)
      complexSolver.solve(f2, f3)
      iterations += 1
      stats.newtonIterations += 1

      var sum = 0.0
      for m in 0..<n {
        let wm = weights[m]
        let (d1, d2, d3) = (f1[m] * wm, f2[m] * wm, f3[m] * wm)
        sum += d1 * d1 + d2 * d2 + d3 * d3
      }
      let updateNorm = (sum / Double(3 * n)).squareRoot()
      guard updateNorm.isFinite else { return .nonFinite }
      let atRoundoff = updateNorm <= roundoffFloor

      if !atRoundoff && iterations > 1 && iterations < maxIterations {
        let ratio = updateNorm / previousNorm
        theta = iterations == 2 ? ratio : (ratio * previousRatio).squareRoot()
        previousRatio = ratio
        if theta >= 0.99 { return .diverged }
        faccon = theta / (1 - theta)
        let remaining = Double(maxIterations - 1 - iterations)
        let predicted = faccon * updateNorm * pow(theta, remaining) / tolerance
        if predicted >= 1 && !fixed {
          let q = max(1e-4, min(20, predicted))
          return .slow(factor: 0.8 * pow(q, -1 / (4 + remaining)))
        }
      }
      previousNorm = max(updateNorm, u)

      // W += ΔW, Z = T·W.
      for m in 0..<n {
        let v1 = w1[m] + f1[m], v2 = w2[m] + f2[m], v3 = w3[m] + f3[m]
        w1[m] = v1
        w2[m] = v2
        w3[m] = v3
        z1[m] = t11 * v1 + t12 * v2 + t13 * v3
        z2[m] = t21 * v1 + t22 * v2 + t23 * v3
        z3[m] = t31 * v1 + t32 * v2 + t33 * v3
      }
      if faccon * updateNorm <= tolerance || atRoundoff { return .converged(iterations) }
    }
  }
}
