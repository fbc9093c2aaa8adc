import NadsimLinearAlgebra

/// Solves the complex Newton system ((α + iβ)·I − J)(x + iy) = a + ib of Radau IIA for a real
/// Jacobian J, as the equivalent real system of order 2n, with the existing real LU (dense, banded
/// for banded J, sparse for sparse J).
///
/// The unknowns are interleaved (x₀, y₀, x₁, y₁, …) and so are the equations (real part, imaginary
/// part of row i). Entry (i, j) of the complex matrix, p + iq, becomes the 2×2 block [[p, −q], [q, p]];
/// only diagonal blocks have q ≠ 0 (q = β). Interleaving keeps a band: kl, ku of J become
/// 2kl + 1, 2ku + 1, so banded problems keep banded LU.
///
/// Why not LAPACK's `zgetrf`/`zgetrs`: the real form reuses the tested real kernels (the Swift LU
/// for 2n ≤ `DenseLU.nativeLimit`, where a LAPACK call costs more than the arithmetic; LAPACK
/// above) and needs no C complex types in Swift. Its triangular solves cost the same flops as
/// complex ones; its LU costs about twice as many (all LUs together are ~15 % of a HIRES solve).
final class ComplexShiftedSolver {
  let n: Int
  let jacobianStructure: MatrixStructure
  let solver: LinearSolver
  /// The 2n×2n real matrix in `solver.structure` layout, written before each factorisation.
  private let matrix: UnsafeMutablePointer<Double>
  private let matrixCount: Int
  /// Interleaved right-hand side and solution.
  private let vector: UnsafeMutablePointer<Double>

  init(dimension n: Int, jacobianStructure: MatrixStructure) {
    self.n = n
    self.jacobianStructure = jacobianStructure
    let structure: MatrixStructure
    switch jacobianStructure {
    case .dense: structure = .dense
    case .banded(let kl, let ku): structure = .banded(lower: 2 * kl + 1, upper: 2 * ku + 1)
    case .sparse(let pattern):
      // Each entry (i, j) becomes the 2×2 block's diagonal pair; the diagonal blocks are full.
      var entries: [(row: Int, column: Int)] = []
      for (i, j) in pattern.entries {
        entries.append((2 * i, 2 * j))
        entries.append((2 * i + 1, 2 * j + 1))
      }
      for i in 0..<n {
        entries.append((2 * i, 2 * i + 1))
        entries.append((2 * i + 1, 2 * i))
      }
      structure = .sparse(SparsityPattern(dimension: 2 * n, entries: entries))
    }
    solver = makeLinearSolver(dimension: 2 * n, structure: structure)
    matrixCount = structure.storageCount(dimension: 2 * n)
    matrix = .allocate(capacity: matrixCount)
    matrix.initialize(repeating: 0, count: matrixCount)
    vector = .allocate(capacity: 2 * n)
    vector.initialize(repeating: 0, count: 2 * n)
  }

  deinit {
    matrix.deallocate()
    vector.deallocate()
  }

  var factorizations: Int { solver.factorizations }
  var solves: Int { solver.solves }

  /// Forms and factorises (α + iβ)·I − J from `jacobian` (in `jacobianStructure` layout).
  /// Returns false when the matrix is exactly singular.
  func factor(jacobian: UnsafeMutablePointer<Double>, alpha: Double, beta: Double) -> Bool {
    let j = MatrixView(base: jacobian, dimension: n, structure: jacobianStructure)
    let m = MatrixView(base: matrix, dimension: 2 * n, structure: solver.structure)
    switch jacobianStructure {
    case .dense:
      let size = 2 * n
      for col in 0..<n {
        let source = jacobian + col * n
        let even = matrix + (2 * col) * size, odd = matrix + (2 * col + 1) * size
        for row in 0..<n {
          let p = -source[row]
          even[2 * row] = p
          even[2 * row + 1] = 0
          odd[2 * row] = 0
          odd[2 * row + 1] = p
        }
      }
    case .banded(let kl, let ku):
      m.zero()
      for col in 0..<n {
        for row in max(0, col - ku)...min(n - 1, col + kl) {
          let p = -j[row, col]
          m[2 * row, 2 * col] = p
          m[2 * row + 1, 2 * col + 1] = p
        }
      }
    case .sparse(let pattern):
      // Through the view (binary searches): Radau is not the method sparse models are run with.
      m.zero()
      for col in 0..<n {
        for p in pattern.columnStarts[col]..<pattern.columnStarts[col + 1] {
          let row = pattern.rowIndices[p], value = -jacobian[p]
          m[2 * row, 2 * col] = value
          m[2 * row + 1, 2 * col + 1] = value
        }
      }
    }
    for i in 0..<n {
      m[2 * i, 2 * i] += alpha
      m[2 * i + 1, 2 * i + 1] += alpha
      m[2 * i, 2 * i + 1] = -beta
      m[2 * i + 1, 2 * i] = beta
    }
    // The solver forms diagonal·I − scale·(argument): with 0 and −1 it takes the matrix as it is.
    return solver.factor(jacobian: matrix, diagonal: 0, scale: -1)
  }

  /// Overwrites (re, im) with the solution of the last factorised system for right-hand side
  /// re + i·im.
  func solve(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>) {
    for i in 0..<n {
      vector[2 * i] = re[i]
      vector[2 * i + 1] = im[i]
    }
    solver.solve(vector)
    for i in 0..<n {
      re[i] = vector[2 * i]
      im[i] = vector[2 * i + 1]
    }
  }
}
