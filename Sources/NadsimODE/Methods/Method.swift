/// The integration methods nadsim offers: one case per method, named as in the literature.
///
/// The CLI's `--method` values are the raw values. Tests and benchmarks iterate `allCases`, so a
/// method added here is tested and benchmarked without further edits.
public enum Method: String, CaseIterable, Sendable {
  /// Rodas5P: Rosenbrock, order 5(4), L-stable, stiffly accurate (``RosenbrockTableau/rodas5P``).
  case rodas5p
  /// Tsit5: explicit Runge–Kutta, order 5(4), FSAL, dense output of order 4
  /// (``ExplicitRKTableau/tsit5``). For non-stiff problems.
  case tsit5
  /// DOP853: explicit Runge–Kutta, order 8(5,3), dense output of order 7
  /// (``ExplicitRKTableau/dop853``). For non-stiff problems at tight tolerances.
  case dop853
  /// Automatic: Tsit5 while non-stiff, Rodas5P while stiff, switching on stiffness estimates
  /// (``AutoSwitchStepper``). The default.
  case auto
  /// BDF: variable order 1…5 (``StepperConfiguration/maxOrder``), variable step, Nordsieck form
  /// with fixed leading coefficient, modified Newton reusing J and its LU (``BDFStepper``), as in
  /// CVODE. The method of choice for large or long stiff runs with cheap steps.
  case bdf
  /// Radau IIA: implicit Runge–Kutta, 3 stages, order 5, L-stable, stiffly accurate, dense output
  /// of order 3 from the collocation polynomial (``RadauStepper``, organised as Hairer & Wanner's
  /// RADAU5). For stiff problems at tight tolerances, where it keeps accuracy down to rtol ≈ 1e-13.
  case radau5

  /// Whether the method is meant for stiff problems (uses a Jacobian and linear solves).
  /// False for `auto`, which is meant for problems of either kind.
  public var isStiff: Bool {
    switch self {
    case .rodas5p, .bdf, .radau5: return true
    case .tsit5, .dop853, .auto: return false
    }
  }

  /// Classical order of the method (the highest order, for variable-order methods).
  public var order: Int {
    switch self {
    case .rodas5p, .tsit5, .auto, .bdf, .radau5: return 5
    case .dop853: return 8
    }
  }

  /// A fresh stepper of this method.
  public func makeStepper(_ configuration: StepperConfiguration) -> Stepper {
    switch self {
    case .rodas5p: return RosenbrockStepper(configuration: configuration, tableau: .rodas5P)
    case .tsit5: return ExplicitRKStepper(configuration: configuration, tableau: .tsit5)
    case .dop853: return ExplicitRKStepper(configuration: configuration, tableau: .dop853)
    case .auto: return AutoSwitchStepper(configuration: configuration)
    case .bdf: return BDFStepper(configuration: configuration)
    case .radau5: return RadauStepper(configuration: configuration)
    }
  }
}
