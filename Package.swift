// swift-tools-version: 6.1
// nadsim: NAD+ pathway kinetics simulator. Layers, lowest first; nothing imports upward:
//   CLapacke → NadsimLinearAlgebra → NadsimODE (generic numerics, no biology)
//   → NadsimProblems (IVP test set) → NadsimCLI → nadsim (executable)
import PackageDescription

/// Release builds let the generic solver code specialise across module boundaries.
let optimised: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

/// Release builds of the solver core skip the run-time exclusivity checks on class properties
/// (debug builds and tests keep them). The steppers keep their state in class properties and
/// call the user's RHS between accesses, so the checks are not optimised away: they cost ~14% of
/// a Tsit5 step on a 2-state problem (perf, release build).
let noDynamicExclusivity: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
  name: "nadsim",
  products: [
    .executable(name: "nadsim", targets: ["nadsim"]),
    .library(name: "NadsimODE", targets: ["NadsimODE"]),
    .library(name: "NadsimProblems", targets: ["NadsimProblems"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // MARK: - System libraries
    .systemLibrary(
      name: "CLapacke",
      pkgConfig: "lapacke",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),

    // MARK: - Numerics (knows no biology)
    .target(name: "NadsimLinearAlgebra", dependencies: ["CLapacke"], swiftSettings: optimised),
    .target(name: "NadsimODE", dependencies: ["NadsimLinearAlgebra"], swiftSettings: optimised + noDynamicExclusivity),
    .target(name: "NadsimProblems", dependencies: ["NadsimODE", "NadsimLinearAlgebra"], swiftSettings: optimised),

    // MARK: - Command line
    .target(
      name: "NadsimCLI",
      dependencies: [
        "NadsimODE", "NadsimProblems",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: optimised
    ),
    .executableTarget(name: "nadsim", dependencies: ["NadsimCLI"]),

    // MARK: - Tests
    .testTarget(name: "NadsimLinearAlgebraTests", dependencies: ["NadsimLinearAlgebra"]),
    .testTarget(name: "NadsimODETests", dependencies: ["NadsimODE", "NadsimProblems"]),
    .testTarget(name: "NadsimCLITests", dependencies: ["NadsimCLI"]),
  ],
  swiftLanguageModes: [.v5]
)
