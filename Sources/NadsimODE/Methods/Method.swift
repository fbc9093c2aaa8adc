/// The integration methods nadsim offers: one case per method, named as in the literature.
///
/// The CLI's `--method` values are the raw values. Tests and benchmarks iterate `allCases`, so a
/// method added here is tested and benchmarked without further edits.
public enum Method: String, CaseIterable, Sendable {
  /// Rodas5P: Rosenbrock, order 5(4), L-stable, stiffly accurate (``RosenbrockTableau/rodas5P``).
  case rodas5p
  /// BDF: variable order 1…5 (``StepperConfiguration/maxOrder``), variable step, Nordsieck form
  /// with fixed leading coefficient, modified Newton reusing J and its LU (``BDFStepper``), as in
  /// CVODE. The method of choice for large or long stiff runs with cheap steps.
  case bdf

  /// Whether the method is meant for stiff problems (uses a Jacobian and linear solves).
  public var isStiff: Bool {
    switch self {
    case .rodas5p, .bdf: return true
    }
  }

  /// Classical order of the method (the highest order, for variable-order methods).
  public var order: Int {
    switch self {
    case .rodas5p, .bdf: return 5
    }
  }

  /// A fresh stepper of this method.
  public func makeStepper(_ configuration: StepperConfiguration) -> Stepper {
    switch self {
    case .rodas5p: return RosenbrockStepper(configuration: configuration, tableau: .rodas5P)
    case .bdf: return BDFStepper(configuration: configuration)
    }
  }
}
