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
