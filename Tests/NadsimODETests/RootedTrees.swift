/// Rooted trees and the Runge–Kutta order conditions they define (Butcher; Hairer, Nørsett &
/// Wanner, Solving ODEs I, §II.2): a method has order p when Σⱼ bⱼ Φⱼ(τ) = 1/γ(τ) for every
/// rooted tree τ with at most p vertices, where Φ(•) = 𝟙 and Φ(τ) = Πₖ A·Φ(τₖ) (componentwise
/// product over the subtrees τₖ of the root), and γ(τ) = |τ| Πₖ γ(τₖ).
struct RootedTree {
  /// Indices of the root's subtrees in the list the tree belongs to (non-increasing).
  let children: [Int]
  /// Number of vertices |τ|.
  let order: Int
  /// Density γ(τ).
  let gamma: Double

  /// All rooted trees with at most `maxOrder` vertices, ordered by size, each once.
  static func all(upTo maxOrder: Int) -> [RootedTree] {
    var trees = [RootedTree(children: [], order: 1, gamma: 1)]
    guard maxOrder >= 2 else { return trees }
    for n in 2...maxOrder {
      var forests: [[Int]] = []
      // Multisets of smaller trees whose sizes add up to n − 1, indices non-increasing.
      func build(_ remaining: Int, _ maxIndex: Int, _ current: [Int]) {
        if remaining == 0 { forests.append(current); return }
        for i in stride(from: maxIndex, through: 0, by: -1) where trees[i].order <= remaining {
          build(remaining - trees[i].order, i, current + [i])
        }
      }
      build(n - 1, trees.count - 1, [])
      for forest in forests {
        let gamma = forest.reduce(Double(n)) { $0 * trees[$1].gamma }
        trees.append(RootedTree(children: forest, order: n, gamma: gamma))
      }
    }
    return trees
  }
}

/// Φ(τ) for every tree of `trees`, for the s×s matrix `a` (row-major, strictly lower).
func elementaryWeights(_ trees: [RootedTree], a: [Double], stages s: Int) -> [[Double]] {
  var phi: [[Double]] = []
  for tree in trees {
    var v = [Double](repeating: 1, count: s)
    for child in tree.children {
      for i in 0..<s {
        var sum = 0.0
        for j in 0..<s { sum += a[i * s + j] * phi[child][j] }
        v[i] *= sum
      }
    }
    phi.append(v)
  }
  return phi
}

/// The largest residual |Σ bⱼ Φⱼ(τ) − θ^|τ|/γ(τ)| over trees of at most `order` vertices, each
/// relative to Σ |bⱼ Φⱼ(τ)| + 1/γ (so cancellation in large coefficients is allowed for).
func orderConditionResidual(weights b: [Double], a: [Double], order: Int, theta: Double = 1) -> Double {
  let s = b.count
  let trees = RootedTree.all(upTo: order)
  let phi = elementaryWeights(trees, a: a, stages: s)
  var worst = 0.0
  for (k, tree) in trees.enumerated() {
    var sum = 0.0, magnitude = 0.0
    for j in 0..<s {
      sum += b[j] * phi[k][j]
      magnitude += abs(b[j] * phi[k][j])
    }
    var expected = 1 / tree.gamma
    for _ in 0..<tree.order { expected *= theta }
    worst = max(worst, abs(sum - expected) / (magnitude + abs(expected)))
  }
  return worst
}
