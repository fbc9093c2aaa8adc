import Foundation

extension BDFStepper {
  /// First step after a (re)start, for order 1, by the iteration CVODE documents ("CVODE initial
  /// step size", SUNDIALS documentation): find h with ½h²‖ÿ‖ = 1 in the weighted RMS norm, with ÿ
  /// from a difference of f along an explicit Euler step, between the bounds
  /// h_L = 100·u·max(|t₀|, |limit|) and h_U = 0.1·|limit − t₀| (further lowered so that
  /// h_U·|ẏᵢ| ≤ 0.1·|yᵢ| + atolᵢ); at most four RHS calls; the result is halved for safety.
  ///
  /// Uses f(t₀, y₀) from Nordsieck column 1 (stored with h = 1 by ``restart(at:initialStep:)``).
  func firstStepSize(limit: Double) -> Double {
    let n = n
    let f0 = history.column(1)
    let distance = abs(limit - t)
    let lower = 100 * Double.ulpOfOne * max(abs(t), abs(limit))
    var upper = 0.1 * distance
    for i in 0..<n {
      let bound = 0.1 * abs(y[i]) + norm.atol[i]
      if abs(f0[i]) * upper > bound { upper = bound / abs(f0[i]) }
    }
    if !(upper > lower) { return max(lower, min(upper, distance)) }
    var guess = (lower * upper).squareRoot()
    var next = guess
    for attempt in 0..<4 {
      for i in 0..<n { iterate[i] = y[i] + guess * f0[i] }
      system.rhs(t + guess, iterate, f)
      rhsCalls += 1
      for i in 0..<n { residual[i] = (f[i] - f0[i]) / guess }
      let second = norm(residual, weights: weights)
      if !second.isFinite {
        guess *= 0.2
        next = guess
        continue
      }
      next = second * upper * upper > 2 ? (2 / second).squareRoot() : (guess * upper).squareRoot()
      let ratio = next / guess
      if ratio > 0.5 && ratio < 2 { break }
      if attempt > 0 && ratio > 2 {
        next = guess
        break
      }
      guess = next
    }
    return min(upper, max(lower, 0.5 * next))
  }

  /// Fixed-step start: the Nordsieck array of order maxOrder at t₀, from the polynomial through
  /// y(t₀ + j·h), j = 0…q, computed with Rodas5P (4 steps per h; its error O(h⁶) stays below the
  /// O(h^(q+1)) the array needs). Coefficients by solving the Vandermonde system on nodes 0…q.
  func startFixedStep(at t0: Double, step h: Double) -> ReturnCode? {
    guard let starter, let values = startValues else { return nil }
    let n = n
    let order = maxOrder
    for i in 0..<n {
      values[i] = y[i]
      starter.y[i] = y[i]
    }
    if let failure = starter.restart(at: t0, initialStep: 0) { return failure }
    for j in 1...order {
      let target = t0 + Double(j) * h
      while starter.t < target {
        if case .failed(let code) = starter.attemptStep(limit: target) { return code }
      }
      let column = values + j * n
      for i in 0..<n { column[i] = starter.y[i] }
    }
    // Interpolating polynomial Σ c_k x^k with p(j) = y_j: Newton divided differences on the
    // integer nodes, then conversion to monomial coefficients, one component at a time.
    for i in 0..<n {
      // Divided differences in place: d[j] = Δ^j y_0 / j!.
      for j in 0...order { poly[j] = values[j * n + i] }
      for level in 1...order {
        var j = order
        while j >= level {
          poly[j] = (poly[j] - poly[j - 1]) / Double(level)
          j -= 1
        }
      }
      // Newton form p(x) = d0 + (x)(d1 + (x−1)(d2 + …)): expand by Horner with shifts.
      for k in 0...order { l[k] = 0 }
      l[0] = poly[order]
      var degree = 0
      var j = order - 1
      while j >= 0 {
        // l(x) ← l(x)·(x − j) + d_j
        degree += 1
        var k = degree
        while k >= 1 {
          l[k] = l[k - 1] - Double(j) * l[k]
          k -= 1
        }
        l[0] = -Double(j) * l[0] + poly[j]
        j -= 1
      }
      for k in 0...order { history.column(k)[i] = l[k] }
    }
    control.q = order
    control.hScale = h
    control.qwait = order + 1
    for k in 0..<(maxOrder + 3) { tau[k] = h }
    return nil
  }
}
