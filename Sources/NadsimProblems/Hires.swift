import NadsimLinearAlgebra

/// The HIRES right-hand side and Jacobian with its rate constants as data, so that ensembles can
/// perturb them (Test Set for IVP Solvers, release 2.4, hires.f). The Jacobian was derived
/// symbolically (sympy) from the right-hand side as printed in the test set.
public enum Hires {
  /// The ten rate constants k1…k9 and Oks of HIRES.
  public struct RateConstants: Sendable {
    public var k1, k2, k3, k4, k5, k6, k7, k8, k9, oks: Double
    public init(k1: Double, k2: Double, k3: Double, k4: Double, k5: Double, k6: Double,
                k7: Double, k8: Double, k9: Double, oks: Double) {
      (self.k1, self.k2, self.k3, self.k4, self.k5) = (k1, k2, k3, k4, k5)
      (self.k6, self.k7, self.k8, self.k9, self.oks) = (k6, k7, k8, k9, oks)
    }
  }

  /// The test set's values.
  public static let standard = RateConstants(
    k1: 1.71, k2: 0.43, k3: 8.32, k4: 0.69, k5: 0.035, k6: 8.32, k7: 280, k8: 0.69, k9: 0.69,
    oks: 0.0007)

  public static let initialState: [Double] = [1, 0, 0, 0, 0, 0, 0, 0.0057]

  @inline(__always)
  public static func rhs(_ y: UnsafePointer<Double>, _ dy: UnsafeMutablePointer<Double>,
                         _ k: RateConstants) {
    dy[0] = k.oks - k.k1*y[0] + k.k2*y[1] + k.k6*y[2]
    dy[1] = k.k1*y[0] - k.k2*y[1] - k.k3*y[1]
    dy[2] = -k.k1*y[2] + k.k2*y[3] + k.k5*y[4] - k.k6*y[2]
    dy[3] = k.k1*y[2] - k.k2*y[3] + k.k3*y[1] - k.k4*y[3]
    dy[4] = -k.k1*y[4] + k.k2*y[5] + k.k2*y[6] - k.k5*y[4]
    dy[5] = k.k1*y[4] - k.k2*y[5] - k.k7*y[5]*y[7] + k.k8*y[3] + k.k8*y[6]
    dy[6] = -k.k2*y[6] + k.k7*y[5]*y[7] - k.k8*y[6] - k.k9*y[6]
    dy[7] = k.k2*y[6] - k.k7*y[5]*y[7] + k.k8*y[6] + k.k9*y[6]
  }

  @inline(__always)
  public static func jacobian(_ y: UnsafePointer<Double>, _ J: MatrixView, _ k: RateConstants) {
    J[0, 0] = -k.k1
    J[0, 1] = k.k2
    J[0, 2] = k.k6
    J[1, 0] = k.k1
    J[1, 1] = -k.k2 - k.k3
    J[2, 2] = -k.k1 - k.k6
    J[2, 3] = k.k2
    J[2, 4] = k.k5
    J[3, 1] = k.k3
    J[3, 2] = k.k1
    J[3, 3] = -k.k2 - k.k4
    J[4, 4] = -k.k1 - k.k5
    J[4, 5] = k.k2
    J[4, 6] = k.k2
    J[5, 3] = k.k8
    J[5, 4] = k.k1
    J[5, 5] = -k.k2 - k.k7*y[7]
    J[5, 6] = k.k8
    J[5, 7] = -k.k7*y[5]
    J[6, 5] = k.k7*y[7]
    J[6, 6] = -k.k2 - k.k8 - k.k9
    J[6, 7] = k.k7*y[5]
    J[7, 5] = -k.k7*y[7]
    J[7, 6] = k.k2 + k.k8 + k.k9
    J[7, 7] = -k.k7*y[5]
  }
}
