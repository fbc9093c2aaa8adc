/// The Nordsieck array of a multistep method: the interpolating polynomial of the solution stored
/// as scaled derivatives at the current time tₙ,
///
///     z = [yₙ, h·yₙ′, h²·yₙ″/2!, …, h^q·yₙ^(q)/q!],
///
/// so that π(tₙ + x·h) = Σⱼ zⱼ xʲ. Column j holds n doubles at `base + j·n`. Predicting,
/// rescaling to a new h and interpolating are all operations on this polynomial.
///
/// Reference: A. Nordsieck, "On numerical integration of ordinary differential equations",
/// Math. Comp. 16 (1962) 22–49; Hairer, Nørsett & Wanner, Solving ODEs I, §III.6.
struct NordsieckHistory {
  let base: UnsafeMutablePointer<Double>
  let n: Int
  /// Highest order the storage allows (maxOrder columns past column 0).
  let maxOrder: Int

  /// Column j: h^j y^(j)/j!.
  @inline(__always)
  func column(_ j: Int) -> UnsafeMutablePointer<Double> { base + j * n }

  /// Moves the polynomial forward by one step: z ← z·A with A the Pascal matrix
  /// (A_ij = C(j, i)), i.e. z becomes the derivatives of the same polynomial at x = 1.
  @inline(__always)
  func predict(order q: Int) {
    let n = n
    for k in 1...q {
      var j = q
      while j >= k {
        let src = base + j * n, dst = base + (j - 1) * n
        for i in 0..<n { dst[i] += src[i] }
        j -= 1
      }
    }
  }

  /// Undoes ``predict(order:)`` (the same sweeps with subtraction apply the inverse Pascal matrix,
  /// whose entries are (−1)^(j−i) C(j, i)).
  @inline(__always)
  func undoPrediction(order q: Int) {
    let n = n
    for k in 1...q {
      var j = q
      while j >= k {
        let src = base + j * n, dst = base + (j - 1) * n
        for i in 0..<n { dst[i] -= src[i] }
        j -= 1
      }
    }
  }

  /// Re-expresses the polynomial for a step size η·h: column j is multiplied by η^j.
  @inline(__always)
  func rescale(order q: Int, by eta: Double) {
    var factor = 1.0
    for j in 1...q {
      factor *= eta
      let col = base + j * n
      for i in 0..<n { col[i] *= factor }
    }
  }

  /// Adds Δ·Λ: column j += l_j·Δ for j = 0…q.
  @inline(__always)
  func correct(order q: Int, l: UnsafePointer<Double>, delta: UnsafePointer<Double>) {
    for j in 0...q {
      let lj = l[j]
      let col = base + j * n
      for i in 0..<n { col[i] += lj * delta[i] }
    }
  }

  /// Writes π(tₙ + x·h) into `out` (Horner's rule).
  @inline(__always)
  func evaluate(order q: Int, at x: Double, into out: UnsafeMutablePointer<Double>) {
    let top = base + q * n
    for i in 0..<n { out[i] = top[i] }
    var j = q - 1
    while j >= 0 {
      let col = base + j * n
      for i in 0..<n { out[i] = out[i] * x + col[i] }
      j -= 1
    }
  }
}
