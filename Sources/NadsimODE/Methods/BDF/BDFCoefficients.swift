/// The step-history-dependent coefficients of the fixed-leading-coefficient BDF in Nordsieck form.
///
/// All formulas work in the scaled variable x = (t − tₙ)/h, where tₙ is the end of the step and h
/// its size. The step history enters only through the scaled distances to the past points,
/// ξⱼ = (tₙ − tₙ₋ⱼ)/h (ξ₁ = 1; ξⱼ = j for constant steps). Notation below: Hₖ = 1 + 1/2 + … + 1/k,
/// Sₖ = Σⱼ₌₁ᵏ 1/ξⱼ and Pₖ = Πⱼ₌₁ᵏ ξⱼ (so Sₖ = Hₖ and Pₖ = k! for constant steps).
///
/// **Corrector.** A step of order q replaces the predicted polynomial πₙ₋₁ (the Nordsieck array
/// carried over from the last step) by πₙ = πₙ₋₁ + Δ·Λ(x), with Λ(x) = Σ lⱼ xʲ of degree q,
///
///     Λ(x) = Πⱼ₌₁^(q−1) (1 + x/ξⱼ) · (1 + a·x),   a = H_q − S_(q−1),
///
/// so that Λ(0) = 1 (Δ = yₙ − yₙ⁽⁰⁾), πₙ keeps the last q − 1 solution values (Λ(−ξⱼ) = 0), and the
/// leading coefficient l₁ = H_q does not depend on the step history: this is the
/// fixed-leading-coefficient form of Jackson & Sacks-Davis (ACM TOMS 6 (1980) 295), as used by
/// CVODE (Hindmarsh et al., ACM TOMS 31 (2005) 363, §2.1). The Newton matrix I − γJ, γ = h/l₁,
/// then depends on h and q only, which is what lets one LU serve many steps.
///
/// **Local error.** The constants below are derived here (not copied from any code) with Milne's
/// device under the usual localising assumption that the past values yₙ₋₁, yₙ₋₂, … are exact, and
/// that the predictor πₙ₋₁ interpolates them, so that its error is y − πₙ₋₁ ≈ C·Πⱼ₌₁^(q+1)(x + ξⱼ),
/// C = h^(q+1)·y^(q+1)/(q+1)!. On stiff components the corrector error is negligible and the
/// correction is the predictor error, Δ ≈ C·P_(q+1); that relation is used to read C off Δ. The
/// error charged is that of the variable-coefficient BDF through the exact past values, whose
/// polynomial matches y at 0, −ξ₁, …, −ξ_q and has slope h f at 0; for the non-stiff part this gives
///
///     d = yₙ − y(tₙ) ≈ C·P_q/S_q,   so   d ≈ Δ / (ξ_(q+1)·S_q).
///
/// For constant steps d/Δ = 1/((q+1)·H_q) (CVODE's constant-step coefficient) and
/// d ≈ h^(q+1)y^(q+1)/((q+1)·H_q), the classical BDF error constant β₀/(q+1) (Hairer & Wanner,
/// Solving ODEs II, §III.1 and §V.1). The FLC step also inherits the interpolation error of the
/// old polynomial at its one non-mesh point; like CVODE, the estimate leaves that out (it is the
/// size of an accepted dense-output error), which keeps a step that was just cut from being judged
/// by errors the cut cannot remove.
///
/// The same formula at order k = q ± 1, d_k ≈ C_(k+1)·P_k/S_k, with C_q read off the Nordsieck
/// column z_q (order q − 1) or C_(q+2) from the difference of two successive Δ/P_(q+1) (order
/// q + 1), gives the estimates used to pick the order, as in Byrne & Hindmarsh (ACM TOMS 1 (1975)
/// 71) and CVODE.
enum BDFCoefficients {
  /// H_k = 1 + 1/2 + … + 1/k (0 for k = 0): l₁ of the FLC BDF of order k, i.e. 1/β₀.
  @inline(__always)
  static func harmonic(_ k: Int) -> Double {
    switch k {
    case 0: return 0
    case 1: return 1
    case 2: return 1.5
    case 3: return 11.0 / 6
    case 4: return 25.0 / 12
    case 5: return 137.0 / 60
    case 6: return 49.0 / 20
    default:
      var s = 0.0
      for j in 1...k { s += 1 / Double(j) }
      return s
    }
  }

  /// Writes ξ₁…ξ_count for a step of size `h` whose predecessors had sizes `tau[0]` (most
  /// recent), `tau[1]`, …: ξⱼ = (h + tau[0] + … + tau[j−2]) / h.
  @inline(__always)
  static func scaledDistances(
    h: Double, tau: UnsafePointer<Double>, count: Int, into xi: UnsafeMutablePointer<Double>
  ) {
    var sum = h
    xi[0] = 1
    var j = 1
    while j < count {
      sum += tau[j - 1]
      xi[j] = sum / h
      j += 1
    }
  }

  /// Coefficients l₀…l_q of the corrector polynomial Λ (see the type's documentation).
  @inline(__always)
  static func corrector(order q: Int, xi: UnsafePointer<Double>, into l: UnsafeMutablePointer<Double>) {
    l[0] = 1
    for j in 1...q { l[j] = 0 }
    var inverseSum = 0.0
    // Multiply by (1 + x/ξⱼ) for j = 1…q−1, highest coefficient first so that l is updated in place.
    var degree = 0
    for j in 0..<(q - 1) {
      let c = 1 / xi[j]
      inverseSum += c
      degree += 1
      var i = degree
      while i >= 1 {
        l[i] += c * l[i - 1]
        i -= 1
      }
    }
    let a = harmonic(q) - inverseSum
    degree += 1
    var i = degree
    while i >= 1 {
      l[i] += a * l[i - 1]
      i -= 1
    }
  }

  /// d/Δ = 1/(ξ_(q+1)·S_q): local error of order q per unit correction Δ. Needs ξ₁…ξ_(q+1).
  @inline(__always)
  static func errorPerCorrection(order q: Int, xi: UnsafePointer<Double>) -> Double {
    var s = 0.0
    for j in 0..<q { s += 1 / xi[j] }
    return 1 / (xi[q] * s)
  }

  /// P_(q+1) = ξ₁⋯ξ_(q+1): the correction Δ of an order-q step is ≈ P_(q+1)·h^(q+1)y^(q+1)/(q+1)!
  /// (the stiff-limit relation). Needs ξ₁…ξ_(q+1).
  @inline(__always)
  static func correctionScale(order q: Int, xi: UnsafePointer<Double>) -> Double {
    var p = 1.0
    for j in 0...q { p *= xi[j] }
    return p
  }

  /// P_k/S_k: the local error of order k per unit of h^(k+1)·y^(k+1)/(k+1)!. Needs ξ₁…ξ_k (k ≥ 1).
  @inline(__always)
  static func errorPerScaledDerivative(order k: Int, xi: UnsafePointer<Double>) -> Double {
    var p = 1.0, s = 0.0
    for j in 0..<k {
      p *= xi[j]
      s += 1 / xi[j]
    }
    return p / s
  }

  /// Coefficients of x²·Πⱼ₌₁^m (x + ξⱼ) (degree m + 2), lowest first, into `c[0…m+2]`. Adding a
  /// multiple of it to a polynomial keeps its value and slope at x = 0 and its values at the past
  /// points x = −ξ₁…−ξ_m: the tool for raising and lowering the order without losing history.
  @inline(__always)
  static func orderChangePolynomial(
    pastPoints m: Int, xi: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>
  ) {
    for i in 0...(m + 2) { c[i] = 0 }
    c[2] = 1
    var degree = 2
    for j in 0..<m {
      let r = xi[j]
      degree += 1
      var i = degree
      while i >= 1 {
        c[i] = c[i - 1] + r * c[i]
        i -= 1
      }
      c[0] = r * c[0]
    }
  }
}
