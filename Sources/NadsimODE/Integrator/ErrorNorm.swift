/// The weighted root-mean-square norm that every stepper's error test uses.
///
/// ‖e‖ = sqrt( (1/n) Σ (eᵢ / (atolᵢ + rtolᵢ·max(|y₀ᵢ|, |y₁ᵢ|)))² ); a step passes when ‖e‖ ≤ 1.
/// Holds the tolerances expanded to one value per component.
struct ErrorNorm {
  let n: Int
  let rtol: UnsafeMutablePointer<Double>
  let atol: UnsafeMutablePointer<Double>

  init(tolerances: Tolerances, dimension n: Int, workspace: Workspace) {
    self.n = n
    rtol = workspace.take(n)
    atol = workspace.take(n)
    let (r, a) = tolerances.expanded(dimension: n)
    for i in 0..<n {
      rtol[i] = r[i]
      atol[i] = a[i]
    }
  }

  /// Norm of `error` scaled by the larger of |y0| and |y1|.
  @inline(__always)
  func callAsFunction(
    _ error: UnsafePointer<Double>, _ y0: UnsafePointer<Double>, _ y1: UnsafePointer<Double>
  ) -> Double {
    var sum = 0.0
    for i in 0..<n {
      let scale = atol[i] + rtol[i] * max(abs(y0[i]), abs(y1[i]))
      let r = error[i] / scale
      sum += r * r
    }
    return (sum / Double(n)).squareRoot()
  }

  /// Norm of `v` with weights from one state `y`.
  @inline(__always)
  func callAsFunction(_ v: UnsafePointer<Double>, weightsFrom y: UnsafePointer<Double>) -> Double {
    var sum = 0.0
    for i in 0..<n {
      let r = v[i] / (atol[i] + rtol[i] * abs(y[i]))
      sum += r * r
    }
    return (sum / Double(n)).squareRoot()
  }
}

/// Whether all n values are finite.
@inline(__always)
func allFinite(_ v: UnsafePointer<Double>, _ n: Int) -> Bool {
  var acc = 0.0
  for i in 0..<n { acc += v[i] * 0 }  // NaN or ±∞ anywhere makes the sum NaN
  return acc == 0
}

extension ErrorNorm {
  /// Writes the weights wᵢ = 1/(atolᵢ + rtolᵢ·|yᵢ|) of the one-state form of the norm, so that a
  /// method that measures many vectors against the same state divides only once per component.
  @inline(__always)
  func weights(from y: UnsafePointer<Double>, into w: UnsafeMutablePointer<Double>) {
    for i in 0..<n { w[i] = 1 / (atol[i] + rtol[i] * abs(y[i])) }
  }

  /// The weighted RMS norm sqrt((1/n) Σ (vᵢ·wᵢ)²) with weights from ``weights(from:into:)``: the
  /// same value as `self(v, weightsFrom: y)`.
  @inline(__always)
  func callAsFunction(_ v: UnsafePointer<Double>, weights w: UnsafePointer<Double>) -> Double {
    var sum = 0.0
    for i in 0..<n {
      let r = v[i] * w[i]
      sum += r * r
    }
    return (sum / Double(n)).squareRoot()
  }
}
