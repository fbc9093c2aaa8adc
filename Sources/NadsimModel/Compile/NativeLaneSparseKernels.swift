#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NadsimLinearAlgebra
import NadsimODE

/// ``LaneSparseKernels`` for a sparsity pattern, compiled from their C source through the native
/// toolchain and its library cache (as ``NativeProgram`` compiles a model's expressions), and kept
/// loaded while the kernels are in use.
public final class NativeLaneSparseKernels {
  private let handle: UnsafeMutableRawPointer

  private init(handle: UnsafeMutableRawPointer) { self.handle = handle }

  deinit { dlclose(handle) }

  /// The compiled kernels for `pattern`, or nil when there is no compiler, compilation fails or
  /// the library does not load (the lane solver then keeps its loops: slower, same results up to
  /// the sign of a zero).
  public static func kernels(for pattern: SparsityPattern, toolchain: NativeToolchain = .default) -> LaneSparseKernels? {
    let cache = NativeLibraryCache(toolchain: toolchain)
    guard let (path, _) = try? cache.library(for: LaneSparseKernels.cSource(for: pattern)),
          let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)
    else { return nil }
    let owner = NativeLaneSparseKernels(handle: handle)
    guard let factor = dlsym(handle, LaneSparseKernels.factorEntry), let solve = dlsym(handle, LaneSparseKernels.solveEntry)
    else { return nil }
    return LaneSparseKernels(pattern: pattern, factor: unsafeBitCast(factor, to: LaneSparseKernels.Factor.self),
                             solve: unsafeBitCast(solve, to: LaneSparseKernels.Solve.self), owner: owner)
  }
}
