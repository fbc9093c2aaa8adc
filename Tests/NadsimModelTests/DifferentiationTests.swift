import NadsimTestSupport
import Testing
import NadsimModel
import NadsimProblems
import NadsimLinearAlgebra
import Foundation

@Suite("Differentiation")
struct DifferentiationTests {
  /// Checks d(expression)/d(variable) against a closed form written by hand, at several points.
  func expectDerivative(of text: String, by variable: String, equals closedForm: ([String: Double]) -> Double,
                        at points: [[String: Double]], tolerance: Double = 1e-13) {
    let derivative = parsed(text).derivative(withRespectTo: variable)
    for point in points {
      let value = derivative.value(point)
      let expected = closedForm(point)
      #expect(value.map { close($0, expected, tolerance: tolerance) } == true,
              "d/d\(variable) \(text) = \(derivative) gave \(String(describing: value)), expected \(expected) at \(point)")
    }
  }

  @Test("the simplest derivatives come out in their smallest form", arguments: [
    ("3 * x", "x", "3"),
    ("x", "x", "1"),
    ("y", "x", "0"),
    ("k * A * B", "A", "k * B"),
    ("k * A * B", "B", "k * A"),
    ("x^2", "x", "2 * x"),
    ("x^3", "x", "3 * x^2"),
    ("k1 * y0 - k2 * y1 + k3", "y1", "-k2"),
    ("-k2 * y6 + k7 * y5 * y7 - k8 * y6 - k9 * y6", "y6", "-k2 - k8 - k9"),
    ("exp(2 * x)", "x", "2 * exp(2 * x)"),
    ("a < x", "x", "0"),
    ("x > 1 && x < 2", "x", "0"),
  ])
  func smallestForms(text: String, variable: String, expected: String) {
    #expect(parsed(text).derivative(withRespectTo: variable) == parsed(expected),
            "\(parsed(text).derivative(withRespectTo: variable))")
  }

  static let kineticPoints: [[String: Double]] = [
    ["Vmax": 2.5, "Km": 0.3, "S": 1.7, "k": 0.8, "A": 1.2, "B": 0.4, "K": 0.9, "n": 2.6, "x": 1.4],
    ["Vmax": 0.01, "Km": 12, "S": 0.002, "k": 3e4, "A": 5e-3, "B": 7, "K": 0.05, "n": 1, "x": 0.2],
    ["Vmax": 100, "Km": 1e-3, "S": 50, "k": 1e-6, "A": 2, "B": 3, "K": 4, "n": 4, "x": 3.9],
  ]

  @Test("Michaelis–Menten v = Vmax·S/(Km + S): ∂v/∂S = Vmax·Km/(Km + S)², ∂v/∂Km = −Vmax·S/(Km + S)², ∂v/∂Vmax = S/(Km + S)")
  func michaelisMenten() {
    let v = "Vmax * S / (Km + S)"
    expectDerivative(of: v, by: "S", equals: { p in p["Vmax"]! * p["Km"]! / ((p["Km"]! + p["S"]!) * (p["Km"]! + p["S"]!)) },
                     at: Self.kineticPoints)
    expectDerivative(of: v, by: "Km", equals: { p in -p["Vmax"]! * p["S"]! / ((p["Km"]! + p["S"]!) * (p["Km"]! + p["S"]!)) },
                     at: Self.kineticPoints)
    expectDerivative(of: v, by: "Vmax", equals: { p in p["S"]! / (p["Km"]! + p["S"]!) }, at: Self.kineticPoints)
  }

  @Test("mass action v = k·A·B²: ∂v/∂A = k·B², ∂v/∂B = 2·k·A·B, ∂v/∂k = A·B²")
  func massAction() {
    let v = "k * A * B^2"
    expectDerivative(of: v, by: "A", equals: { p in p["k"]! * p["B"]! * p["B"]! }, at: Self.kineticPoints)
    expectDerivative(of: v, by: "B", equals: { p in 2 * p["k"]! * p["A"]! * p["B"]! }, at: Self.kineticPoints)
    expectDerivative(of: v, by: "k", equals: { p in p["A"]! * p["B"]! * p["B"]! }, at: Self.kineticPoints)
  }

  @Test("Hill h = xⁿ/(Kⁿ + xⁿ): ∂h/∂x = n·Kⁿ·xⁿ⁻¹/(Kⁿ + xⁿ)², ∂h/∂K = −n·Kⁿ⁻¹·xⁿ/(Kⁿ + xⁿ)², ∂h/∂n = Kⁿxⁿ(ln x − ln K)/(Kⁿ + xⁿ)²")
  func hill() {
    let h = "x^n / (K^n + x^n)"
    func parts(_ p: [String: Double]) -> (Double, Double, Double, Double) {
      let (x, K, n) = (p["x"]!, p["K"]!, p["n"]!)
      return (x, K, n, (pow(K, n) + pow(x, n)) * (pow(K, n) + pow(x, n)))
    }
    expectDerivative(of: h, by: "x", equals: { p in
      let (x, K, n, d) = parts(p); return n * pow(K, n) * pow(x, n - 1) / d
    }, at: Self.kineticPoints, tolerance: 1e-12)
    expectDerivative(of: h, by: "K", equals: { p in
      let (x, K, n, d) = parts(p); return -n * pow(K, n - 1) * pow(x, n) / d
    }, at: Self.kineticPoints, tolerance: 1e-12)
    expectDerivative(of: h, by: "n", equals: { p in
      let (x, K, n, d) = parts(p); return pow(K, n) * pow(x, n) * (log(x) - log(K)) / d
    }, at: Self.kineticPoints, tolerance: 1e-12)
  }

  @Test("exp, log, log10, sqrt, pow and a general power")
  func elementaryFunctions() {
    let points: [[String: Double]] = [["x": 0.3, "a": 1.7], ["x": 2.2, "a": 0.4], ["x": 11, "a": 3]]
    expectDerivative(of: "exp(a * x)", by: "x", equals: { p in p["a"]! * exp(p["a"]! * p["x"]!) }, at: points)
    expectDerivative(of: "log(x^2 + 1)", by: "x", equals: { p in 2 * p["x"]! / (p["x"]! * p["x"]! + 1) }, at: points)
    expectDerivative(of: "log10(x)", by: "x", equals: { p in 1 / (p["x"]! * log(10)) }, at: points)
    expectDerivative(of: "sqrt(x)", by: "x", equals: { p in 0.5 / p["x"]!.squareRoot() }, at: points)
    expectDerivative(of: "pow(x, 3)", by: "x", equals: { p in 3 * p["x"]! * p["x"]! }, at: points)
    expectDerivative(of: "a^x", by: "x", equals: { p in pow(p["a"]!, p["x"]!) * log(p["a"]!) }, at: points)
    expectDerivative(of: "x^x", by: "x", equals: { p in pow(p["x"]!, p["x"]!) * (log(p["x"]!) + 1) }, at: points)
    expectDerivative(of: "exp(-x) / x", by: "x", equals: { p in
      let x = p["x"]!; return -exp(-x) / x - exp(-x) / (x * x)
    }, at: points)
  }

  @Test("piecewise, abs, min and max differentiate branch by branch")
  func nonSmooth() {
    let below: [[String: Double]] = [["t": 0.5, "x": -2, "y": 3]]
    let above: [[String: Double]] = [["t": 2, "x": 4, "y": 1]]
    let step = "piecewise(t^2, t < 1, 3 * t)"
    #expect(parsed(step).derivative(withRespectTo: "t") == parsed("piecewise(2 * t, t < 1, 3)"))
    expectDerivative(of: step, by: "t", equals: { p in 2 * p["t"]! }, at: below)
    expectDerivative(of: step, by: "t", equals: { _ in 3 }, at: above)
    expectDerivative(of: "abs(x)", by: "x", equals: { _ in -1 }, at: below)
    expectDerivative(of: "abs(x)", by: "x", equals: { _ in 1 }, at: above)
    #expect(parsed("abs(x)").derivative(withRespectTo: "x").value(["x": 0]) == 0)
    expectDerivative(of: "min(x, y)", by: "x", equals: { _ in 1 }, at: below)
    expectDerivative(of: "min(x, y)", by: "x", equals: { _ in 0 }, at: above)
    expectDerivative(of: "max(x, y, 2 * t)", by: "t", equals: { _ in 0 }, at: below)
    expectDerivative(of: "max(x^2, y, 2 * t)", by: "x", equals: { _ in 8 }, at: above)
    expectDerivative(of: "max(x, y, 5 * t)", by: "t", equals: { _ in 5 }, at: above)
    #expect(parsed("piecewise(1, t < 5, 0)").derivative(withRespectTo: "t") == .number(0))
  }

  @Test("derivatives agree with central finite differences at random points (random smooth expressions)")
  func finiteDifferences() {
    var generator = RandomExpressions(seed: 2024, symbols: ["x", "y", "z"])
    var rng = SplitMix64(seed: 99)
    var checked = 0
    for _ in 0..<400 {
      let e = generator.positive(depth: 4)
      for variable in ["x", "y"] {
        let derivative = e.derivative(withRespectTo: variable)
        for _ in 0..<3 {
          var point = ["x": Double.random(in: 0.5...2, using: &rng), "y": Double.random(in: 0.5...2, using: &rng),
                       "z": Double.random(in: 0.5...2, using: &rng)]
          let x0 = point[variable]!
          // Central difference with the step that balances truncation (h²) and rounding (ε/h).
          let h = 6e-6 * x0
          point[variable] = x0 + h
          guard let up = e.value(point) else { continue }
          point[variable] = x0 - h
          guard let down = e.value(point) else { continue }
          point[variable] = x0
          guard let exact = derivative.value(point), let f = e.value(point) else { continue }
          guard f.isFinite, abs(f) < 1e8 else { continue }
          let estimate = (up - down) / (2 * h)
          #expect(abs(exact - estimate) <= 1e-6 * (abs(f) / x0 + abs(exact) + 1),
                  "d/d\(variable) \(e) = \(derivative): \(exact) vs \(estimate) at \(point)")
          checked += 1
        }
      }
    }
    #expect(checked > 2000)
  }

  @Test("the HIRES Jacobian derived from its right-hand side matches the hand-written one, entry for entry")
  func hiresJacobian() {
    let rhs = HiresText.rightHandSide.map(parsed)
    var rng = SplitMix64(seed: 5)
    let y = (0..<8).map { _ in Double.random(in: 0...1, using: &rng) }
    var k = Hires.standard
    k.k7 *= 1.3
    let bindings = HiresText.bindings(y: y, k: k)
    var expected = [Double](repeating: 0, count: 64)
    y.withUnsafeBufferPointer { yp in
      expected.withUnsafeMutableBufferPointer { jp in
        Hires.jacobian(yp.baseAddress!, MatrixView(base: jp.baseAddress!, dimension: 8, structure: .dense), k)
      }
    }
    var nonzero = 0
    var size = 0
    for i in 0..<8 {
      for j in 0..<8 {
        let entry = rhs[i].derivative(withRespectTo: "y\(j)")
        if entry != .number(0) { nonzero += 1 }
        size += entry.description.count
        // Dense column-major storage: entry (i, j) at i + 8j.
        #expect(entry.value(bindings).map { close($0, expected[i + 8 * j], tolerance: 1e-15) } == true,
                "J[\(i), \(j)] = \(entry)")
      }
    }
    #expect(nonzero == 25)
    #expect(size < 400, "the symbolic Jacobian should be about as long as the hand-written one")
  }
}
