/// Small pieces of lane arithmetic shared by the ensemble integrators and their linear algebra.

/// A lane mask prepared for use inside vector loops: `select(a, b)` is a where the mask is set and
/// b elsewhere, as two bitwise ANDs and an OR.
///
/// `SIMD4.replacing(with:where:)` with a `LaneMask` held in a variable compiles (Swift 6.3, x86-64)
/// to per-lane extracts and blends; in the ensemble BDF's loops over n components that cost about a
/// tenth of the run. Masks built by a comparison in the loop itself compile to one `vblendvpd`, but
/// most of the integrator's masks are per-lane decisions made once per step.
struct LaneSelection {
  let bits: SIMD4<Int64>

  init(_ mask: LaneMask) {
    bits = SIMD4<Int64>(repeating: 0).replacing(with: -1, where: mask)
  }

  @inline(__always)
  func select(_ ifSet: SIMD4<Double>, _ otherwise: SIMD4<Double>) -> SIMD4<Double> {
    let a = unsafeBitCast(ifSet, to: SIMD4<Int64>.self), b = unsafeBitCast(otherwise, to: SIMD4<Int64>.self)
    return unsafeBitCast((a & bits) | (b & ~bits), to: SIMD4<Double>.self)
  }
}

/// |x| lane by lane (NaN stays NaN).
@inline(__always)
func magnitude(_ x: SIMD4<Double>) -> SIMD4<Double> { x.replacing(with: -x, where: x .< SIMD4<Double>.zero) }

/// The larger of a and b lane by lane (a where b is NaN). Written as a compare and a blend: the
/// standard library's `pointwiseMax` was not inlined (a call per use in profiles).
@inline(__always)
func larger(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { a.replacing(with: b, where: b .> a) }

/// The lanes in which all `count` values of v are finite (NaN or ±∞ in a lane makes its sum NaN).
@inline(__always)
func finiteLanes(_ v: UnsafePointer<SIMD4<Double>>, count: Int) -> LaneMask {
  var acc = SIMD4<Double>.zero
  for i in 0..<count { acc += v[i] * SIMD4<Double>.zero }
  return acc .== SIMD4<Double>.zero
}
