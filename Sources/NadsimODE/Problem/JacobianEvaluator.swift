import NadsimLinearAlgebra

/// Evaluates ∂f/∂y into stored memory: the system's exact Jacobian when it has one, otherwise
/// forward differences (column grouping for banded structure, so a band of width w costs w RHS
/// calls instead of n; for sparse structure, greedy grouping of columns that share no row).
///
/// The forward-difference increment for component j is δⱼ = √u·max(|yⱼ|, 1000·atolⱼ) (u the unit
/// roundoff; 1e-5 replaces 1000·atolⱼ when atolⱼ = 0): relative to yⱼ where yⱼ is resolved, and no
/// smaller than the noise floor set by the absolute tolerance where yⱼ is near zero.
final class JacobianEvaluator {
  let system: ODESystem
  let structure: MatrixStructure
  /// The Jacobian, in `structure` layout.
  let storage: UnsafeMutablePointer<Double>
  private let count: Int
  private let yPerturbed: UnsafeMutablePointer<Double>
  private let fPerturbed: UnsafeMutablePointer<Double>
  private(set) var evaluations = 0
  private(set) var rhsEvaluations = 0
  /// Sparse structure: columns perturbed together (no two share a row), for finite differences.
  private let columnGroups: [[Int]]

  init(system: ODESystem) {
    self.system = system
    structure = system.jacobianStructure
    count = structure.storageCount(dimension: system.dimension)
    storage = .allocate(capacity: count)
    storage.initialize(repeating: 0, count: count)
    yPerturbed = .allocate(capacity: system.dimension)
    yPerturbed.initialize(repeating: 0, count: system.dimension)
    fPerturbed = .allocate(capacity: system.dimension)
    fPerturbed.initialize(repeating: 0, count: system.dimension)
    if case .sparse(let pattern) = structure, system.jacobian == nil {
      columnGroups = JacobianEvaluator.groupColumns(pattern)
    } else {
      columnGroups = []
    }
  }

  /// Greedy column grouping (first fit, in column order): a column joins the first group none of
  /// whose columns has a row in common with it.
  static func groupColumns(_ pattern: SparsityPattern) -> [[Int]] {
    var groups: [[Int]] = []
    var rowsUsed: [Set<Int>] = []
    for j in 0..<pattern.dimension {
      let rows = Set(pattern.rowIndices[pattern.columnStarts[j]..<pattern.columnStarts[j + 1]])
      if let g = rowsUsed.firstIndex(where: { $0.isDisjoint(with: rows) }) {
        groups[g].append(j)
        rowsUsed[g].formUnion(rows)
      } else {
        groups.append([j])
        rowsUsed.append(rows)
      }
    }
    return groups
  }

  deinit {
    storage.deallocate()
    yPerturbed.deallocate()
    fPerturbed.deallocate()
  }

  var view: MatrixView { MatrixView(base: storage, dimension: system.dimension, structure: structure) }

  /// Evaluates J(t, y). `f0` = f(t, y) must be supplied (it is used by finite differences).
  /// `atol` gives the absolute tolerance per component (sets the smallest increment).
  func evaluate(t: Double, y: UnsafePointer<Double>, f0: UnsafePointer<Double>,
                atol: UnsafePointer<Double>) {
    evaluations += 1
    if let jac = system.jacobian {
      view.zero()
      jac(t, y, view)
      return
    }
    let n = system.dimension
    let sqrtU = Double.ulpOfOne.squareRoot()
    switch structure {
    case .dense:
      for i in 0..<n { yPerturbed[i] = y[i] }
      for j in 0..<n {
        let yj = y[j]
        let delta = sqrtU * max(abs(yj), atol[j] > 0 ? atol[j] * 1e3 : 1e-5)
        yPerturbed[j] = yj + delta
        let h = yPerturbed[j] - yj  // the increment actually represented
        system.rhs(t, yPerturbed, fPerturbed)
        rhsEvaluations += 1
        let col = storage + j * n
        for i in 0..<n { col[i] = (fPerturbed[i] - f0[i]) / h }
        yPerturbed[j] = yj
      }
    case .banded(let kl, let ku):
      // Columns j, j+w, j+2w, ... touch disjoint rows when w = kl+ku+1: perturb them together.
      let width = kl + ku + 1
      let v = view
      v.zero()
      for group in 0..<min(width, n) {
        for i in 0..<n { yPerturbed[i] = y[i] }
        var j = group
        while j < n {
          yPerturbed[j] = y[j] + sqrtU * max(abs(y[j]), atol[j] > 0 ? atol[j] * 1e3 : 1e-5)
          j += width
        }
        system.rhs(t, yPerturbed, fPerturbed)
        rhsEvaluations += 1
        j = group
        while j < n {
          let h = yPerturbed[j] - y[j]
          for i in max(0, j - ku)...min(n - 1, j + kl) { v[i, j] = (fPerturbed[i] - f0[i]) / h }
          j += width
        }
      }
    case .sparse(let pattern):
      for group in columnGroups {
        for i in 0..<n { yPerturbed[i] = y[i] }
        for j in group {
          yPerturbed[j] = y[j] + sqrtU * max(abs(y[j]), atol[j] > 0 ? atol[j] * 1e3 : 1e-5)
        }
        system.rhs(t, yPerturbed, fPerturbed)
        rhsEvaluations += 1
        for j in group {
          let h = yPerturbed[j] - y[j]
          for p in pattern.columnStarts[j]..<pattern.columnStarts[j + 1] {
            let i = pattern.rowIndices[p]
            storage[p] = (fPerturbed[i] - f0[i]) / h
          }
        }
      }
    }
  }
}
