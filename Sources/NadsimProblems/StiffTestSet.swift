import NadsimODE

// The five stiff problems of the Test Set for IVP Solvers (F. Mazzia, C. Magherini et al.,
// University of Bari, release 2.4): equations from the problem files rober.f, hires.f, pollu.f,
// orego.f and vdpol.f, and final-time reference values from their subroutine `solut` (computed
// there with RADAU/RADAU5 at tolerances near 1e-18 in extended precision).

private let bari = "Test Set for IVP Solvers, release 2.4 (Mazzia, Magherini et al., Univ. Bari)"

extension TestProblem {
  /// Robertson's chemical kinetics: very stiff, integrated to t = 1e11.
  public static let rober: TestProblem = {
    let k1 = 0.04, k2 = 1e4, k3 = 3e7
    let system = ODESystem(dimension: 3, isAutonomous: true, rhs: { _, y, dy in
      dy[0] = -k1 * y[0] + k2 * y[1] * y[2]
      dy[1] = k1 * y[0] - k2 * y[1] * y[2] - k3 * (y[1] * y[1])  // k3*y2**2, as rober.f writes it
      dy[2] = k3 * (y[1] * y[1])
    }, jacobian: { _, y, J in
      J[0, 0] = -k1; J[0, 1] = k2 * y[2]; J[0, 2] = k2 * y[1]
      J[1, 0] = k1; J[1, 1] = -k2 * y[2] - 2 * k3 * y[1]; J[1, 2] = -k2 * y[1]
      J[2, 1] = 2 * k3 * y[1]
    })
    return TestProblem(
      name: "rober", summary: "Robertson chemical kinetics, n = 3, t ∈ [0, 1e11]", system: system,
      t0: 0, tEnd: 1e11, y0: [1, 0, 0],
      reference: [2.0833401497012550e-08, 8.3333607703347131e-14, 9.9999997916650496e-01],
      referenceSource: "\(bari), rober.f solut (RADAU, uround=1.01e-19, rtol=atol=h0=1.1e-18)",
      atolFactor: 1e-4, exact: nil, isStiff: true)
  }()

  /// High Irradiance RESponse (plant photomorphogenesis): 8 states, mildly stiff.
  public static let hires: TestProblem = {
    let system = ODESystem(dimension: 8, isAutonomous: true, rhs: { _, y, dy in
      Hires.rhs(y, dy, Hires.standard)
    }, jacobian: { _, y, J in
      Hires.jacobian(y, J, Hires.standard)
    })
    return TestProblem(
      name: "hires", summary: "High Irradiance RESponse, n = 8, t ∈ [0, 321.8122]", system: system,
      t0: 0, tEnd: 321.8122, y0: Hires.initialState,
      reference: [7.3713125733256685e-04, 1.4424857263161851e-04, 5.8887297409675752e-05,
                  1.1756513432831491e-03, 2.3863561988313308e-03, 6.2389682527427964e-03,
                  2.8499983951857689e-03, 2.8500016048142308e-03],
      referenceSource: "\(bari), hires.f solut (RADAU5 on Cray C90, uround=1.01e-19, rtol=atol=h0=1.1e-18)",
      atolFactor: 1e-4, exact: nil, isStiff: true)
  }()

  /// Oregonator (Belousov–Zhabotinskii reaction): a stiff limit cycle.
  public static let orego: TestProblem = {
    let s = 77.27, q = 8.375e-6, w = 0.161
    let system = ODESystem(dimension: 3, isAutonomous: true, rhs: { _, y, dy in
      dy[0] = s * (y[0] * (1 - q * y[0] - y[1]) + y[1])
      dy[1] = (-y[1] * (1 + y[0]) + y[2]) / s
      dy[2] = w * (y[0] - y[2])
    }, jacobian: { _, y, J in
      J[0, 0] = s * (1 - 2 * q * y[0] - y[1]); J[0, 1] = s * (1 - y[0])
      J[1, 0] = -y[1] / s; J[1, 1] = -(1 + y[0]) / s; J[1, 2] = 1 / s
      J[2, 0] = w; J[2, 2] = -w
    })
    return TestProblem(
      name: "orego", summary: "Oregonator, n = 3, t ∈ [0, 360]", system: system,
      t0: 0, tEnd: 360, y0: [1, 2, 3],
      reference: [1.0008148703185229e+00, 1.2281785215499169e+03, 1.3205549428467060e+02],
      referenceSource: "\(bari), orego.f solut (RADAU, uround=1.01e-19, rtol=h0=1.1e-18, atol=1.1e-40)",
      atolFactor: 1, exact: nil, isStiff: true)
  }()

  /// Van der Pol oscillator in the scaled form with ε = 1e-6 (μ = 1000), t ∈ [0, 2].
  public static let vdpol: TestProblem = {
    let eps = 1e-6
    let system = ODESystem(dimension: 2, isAutonomous: true, rhs: { _, y, dy in
      dy[0] = y[1]
      dy[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / eps
    }, jacobian: { _, y, J in
      J[0, 1] = 1
      J[1, 0] = (-2 * y[0] * y[1] - 1) / eps
      J[1, 1] = (1 - y[0] * y[0]) / eps
    })
    return TestProblem(
      name: "vdpol", summary: "Van der Pol, ε = 1e-6, n = 2, t ∈ [0, 2]", system: system,
      t0: 0, tEnd: 2, y0: [2, 0],
      reference: [1.7061677321704829e+00, -8.9280970102479751e-01],
      referenceSource: "\(bari), vdpol.f solut (RADAU, uround=1.01e-19, rtol=atol=h0=1.1e-18)",
      atolFactor: 1, exact: nil, isStiff: true)
  }()
}
