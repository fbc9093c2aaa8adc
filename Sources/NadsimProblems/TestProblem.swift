import NadsimODE

/// A built-in initial-value problem with a reference solution at its final time.
public struct TestProblem {
  /// Lower-case name, as used by `nadsim solve --problem`.
  public let name: String
  public let summary: String
  public let system: ODESystem
  public let t0: Double
  public let tEnd: Double
  public let y0: [Double]
  /// The solution at ``tEnd`` (reference computed outside nadsim; see ``referenceSource``).
  public let reference: [Double]
  public let referenceSource: String
  /// atol = atolFactor × rtol: the test set's tolerance convention for this problem.
  public let atolFactor: Double
  /// Exact solution at any t, for problems that have one.
  public let exact: ((Double) -> [Double])?
  public let isStiff: Bool

  /// Tolerances by the test-set convention: atol = atolFactor·rtol.
  public func tolerances(rtol: Double) -> Tolerances {
    Tolerances(relative: rtol, absolute: atolFactor * rtol)
  }
}

extension TestProblem {
  /// Every built-in problem, stiff ones first.
  public static let all: [TestProblem] = [
    .rober, .hires, .pollu, .orego, .vdpol, .exponentialDecay, .harmonicOscillator, .logistic,
    .rational,
  ]

  /// The five stiff problems of the Bari IVP test set.
  public static let stiffTestSet: [TestProblem] = [.rober, .hires, .pollu, .orego, .vdpol]

  /// Looks a problem up by name (case-insensitive).
  public static func named(_ name: String) -> TestProblem? {
    all.first { $0.name == name.lowercased() }
  }
}
