import NadsimLinearAlgebra

/// Decides when the automatic method should change sides, from estimates of h·ρ(∂f/∂y) compared
/// with the explicit method's stability boundary r (Tsit5: r ≈ 3.5), with hysteresis so that one
/// odd step does not cause a switch.
///
/// - Explicit side, from ρ̃ estimated on the last two stages (``ExplicitRKStepper/stiffnessEstimate``).
///   Accepted and rejected attempts both count, since an explicit method on a stiff problem keeps
///   h near r/ρ and alternates between the two. Two triggers:
///   - *at the boundary*: `stiffAttempts` (10) attempts with h·ρ̃ > `stiffFraction`·r (0.9r),
///     the count starting again after `forgiveAfter` (6) attempts below in a row. This is the test
///     of Hairer's DOPRI5 (Solving ODEs II, §IV.2: 15 steps, reset after 6) with the count of
///     OrdinaryDiffEq.jl's `AutoSwitch` (10).
///   - *held down by stability*: `boundAttempts` (50) attempts in a row with h·ρ̃ >
///     `boundFraction`·r (0.5r). At tight tolerances Tsit5 on a stiff problem settles well below
///     its boundary (the error estimate reacts to the stiff modes first: ROBER at rtol 1e-10 sits
///     at 0.3–0.9 r for thousands of steps, each ~100 times shorter than Rodas5P's), so the first
///     trigger alone fires late or never.
/// - Implicit side, from ρ̄ = min(‖J‖₁, ‖J‖∞) ≥ ρ(J) of the Jacobian Rodas5P used
///   (``spectralRadiusBound``): `nonStiffSteps` (5) accepted steps in a row with
///   h·ρ̄ < `nonStiffFraction`·r (1.0r), i.e. Tsit5 would be stable at Rodas5P's own step even for
///   the bound. Going back that early pays: measured on the Bari stiff problems (n ≤ 20, exact
///   Jacobians, release build), a Tsit5 step costs about a sixth of a Rodas5P step.
///
/// The two sides watch different quantities, and ρ̄ ≥ ρ, so the stiff side's test holds only
/// where Rodas5P gains little over Tsit5's stable step; any stiff step resets it.
struct StiffnessDetector {
  let boundary: Double
  var stiffFraction = 0.9
  var stiffAttempts = 10
  var forgiveAfter = 6
  var boundFraction = 0.5
  var boundAttempts = 50
  var nonStiffFraction = 1.0
  var nonStiffSteps = 5

  // Explicit side: stiff attempts counted, attempts below in a row, attempts above 0.5r in a row.
  private var stiffCount = 0
  private var belowRun = 0
  private var boundRun = 0
  // Implicit side: non-stiff steps in a row.
  private var nonStiffRun = 0

  init(boundary: Double) { self.boundary = boundary }

  mutating func reset() {
    stiffCount = 0
    belowRun = 0
    boundRun = 0
    nonStiffRun = 0
  }

  /// Records one explicit attempt with h·ρ̃ = `hRho`; true when it is time to go stiff.
  mutating func explicitAttempt(hRho: Double) -> Bool {
    if hRho > stiffFraction * boundary {
      stiffCount += 1
      belowRun = 0
    } else {
      belowRun += 1
      if belowRun >= forgiveAfter { stiffCount = 0 }
    }
    boundRun = hRho > boundFraction * boundary ? boundRun + 1 : 0
    return stiffCount >= stiffAttempts || boundRun >= boundAttempts
  }

  /// Records one accepted implicit step with h·ρ̄ = `hRho`; true when it is time to go back.
  mutating func implicitStep(hRho: Double) -> Bool {
    if hRho < nonStiffFraction * boundary {
      nonStiffRun += 1
    } else {
      nonStiffRun = 0
    }
    return nonStiffRun >= nonStiffSteps
  }
}

/// min(‖J‖₁, ‖J‖∞) of a dense, banded or sparse Jacobian: an upper bound of its spectral radius that
/// costs one pass over the stored entries. `rowSums` is scratch of n doubles.
func spectralRadiusBound(_ J: MatrixView, rowSums: UnsafeMutablePointer<Double>) -> Double {
  let n = J.dimension
  for i in 0..<n { rowSums[i] = 0 }
  var maxColumn = 0.0
  switch J.structure {
  case .dense:
    for j in 0..<n {
      let column = J.base + j * n
      var sum = 0.0
      for i in 0..<n {
        let v = abs(column[i])
        sum += v
        rowSums[i] += v
      }
      maxColumn = max(maxColumn, sum)
    }
  case .banded(let kl, let ku):
    for j in 0..<n {
      var sum = 0.0
      for i in max(0, j - ku)...min(n - 1, j + kl) {
        let v = abs(J[i, j])
        sum += v
        rowSums[i] += v
      }
      maxColumn = max(maxColumn, sum)
    }
  case .sparse(let pattern):
    for j in 0..<n {
      var sum = 0.0
      for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
        let v = abs(J.base[p])
        sum += v
        rowSums[pattern.rowIndices[p]] += v
      }
      maxColumn = max(maxColumn, sum)
    }
  }
  var maxRow = 0.0
  for i in 0..<n { maxRow = max(maxRow, rowSums[i]) }
  return min(maxRow, maxColumn)
}
