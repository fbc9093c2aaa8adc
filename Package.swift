// swift-tools-version: 6.1
// nadsim: NAD+ pathway kinetics simulator. Layers, lowest first; nothing imports upward:
//   CLapacke → NadsimLinearAlgebra → NadsimODE (generic numerics, no biology)
//   → NadsimProblems (IVP test set), NadsimModel (model files) → NadsimSweep (scenario designs,
//   populations, sweep runs and their files) → NadsimCLI → nadsim (executable)
import PackageDescription

/// Release builds let the generic solver code specialise across module boundaries.
let optimised: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
/// The numerical kernels (LU, triangular solves, stage loops) work on raw pointers whose bounds are
/// fixed at allocation. In release builds they drop Swift's per-operation overflow, range and
/// exclusivity checks, which cost more than the arithmetic for the small matrices of kinetic
/// models, and they target Haswell-class x86-64 (AVX2 + FMA; every machine this project runs on is
/// an AMD Zen 3) so that SIMD4<Double> fills one register.
let kernels: [SwiftSetting] = [
  .unsafeFlags(["-cross-module-optimization", "-Ounchecked", "-enforce-exclusivity=unchecked", "-Xfrontend", "-target-cpu", "-Xfrontend", "haswell"], .when(configuration: .release))
]

let package = Package(
  name: "nadsim",
  products: [
    .executable(name: "nadsim", targets: ["nadsim"]),
    .library(name: "NadsimLinearAlgebra", targets: ["NadsimLinearAlgebra"]),
    .library(name: "NadsimODE", targets: ["NadsimODE"]),
    .library(name: "NadsimProblems", targets: ["NadsimProblems"]),
    .library(name: "NadsimModel", targets: ["NadsimModel"]),
    .library(name: "NadsimSweep", targets: ["NadsimSweep"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
  ],
  targets: [
    // MARK: - System libraries
    .systemLibrary(
      name: "CLapacke",
      pkgConfig: "lapacke",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),

    // MARK: - Numerics (knows no biology)
    .target(name: "NadsimLinearAlgebra", dependencies: ["CLapacke"], swiftSettings: kernels),
    .target(name: "NadsimODE", dependencies: ["NadsimLinearAlgebra"], swiftSettings: kernels),
    .target(name: "NadsimProblems", dependencies: ["NadsimODE", "NadsimLinearAlgebra"], swiftSettings: optimised),

    // MARK: - Models (reads Models/, compiles rate laws, units, dosing; generic, no NAD+ in code)
    .target(
      name: "NadsimModel",
      dependencies: ["NadsimODE", "NadsimLinearAlgebra", .product(name: "Yams", package: "Yams")],
      swiftSettings: kernels
    ),

    // MARK: - Scenarios and sweeps (designs, virtual populations, running, result files)
    .target(name: "NadsimSweep", dependencies: ["NadsimModel", "NadsimODE"], swiftSettings: optimised),

    // MARK: - Command line
    .target(
      name: "NadsimCLI",
      dependencies: [
        "NadsimODE", "NadsimProblems", "NadsimModel", "NadsimSweep",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: optimised
    ),
    .executableTarget(name: "nadsim", dependencies: ["NadsimCLI"]),

    // MARK: - Tests
    // Helpers shared by the test targets (a seedable random generator); not a product.
    .target(name: "NadsimTestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "NadsimLinearAlgebraTests", dependencies: ["NadsimLinearAlgebra", "NadsimTestSupport"]),
    .testTarget(name: "NadsimODETests", dependencies: ["NadsimODE", "NadsimProblems", "NadsimTestSupport"]),
    .testTarget(name: "NadsimModelTests", dependencies: ["NadsimLinearAlgebra", "NadsimModel", "NadsimODE", "NadsimProblems", "NadsimTestSupport"]),
    .testTarget(name: "NadsimSweepTests", dependencies: ["NadsimSweep", "NadsimModel"]),
    .testTarget(name: "NadsimCLITests", dependencies: ["NadsimCLI"]),
  ],
  swiftLanguageModes: [.v5]
)
