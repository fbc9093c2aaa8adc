import CLapacke

/// Process-wide settings of the BLAS/LAPACK library.
public enum LinearAlgebraRuntime {
  /// Pins OpenBLAS to one thread. nadsim parallelises across scenarios itself; OpenBLAS threads
  /// would only contend with that (and for the small matrices of ODE models they never pay).
  public static func configureOnce() { _ = configured }

  private static let configured: Void = { openblas_set_num_threads(1) }()
}

/// LAPACKE's `lapack_int` (a C macro, so not imported): 32-bit on Debian's LP64 builds.
typealias LapackInt = Int32
