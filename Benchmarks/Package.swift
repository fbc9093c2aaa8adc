// swift-tools-version: 6.1
// nadsim's benchmark suites (ordo-one/benchmark). A package of its own, so that the library's
// Package.swift never pulls benchmark dependencies. Run from this folder:
//   swift package --disable-sandbox benchmark
//   swift package --disable-sandbox benchmark --target LinearAlgebra
import PackageDescription

let package = Package(
  name: "nadsim-benchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "nadsim", path: "../"),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "Integrators",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "NadsimODE", package: "nadsim"),
        .product(name: "NadsimProblems", package: "nadsim"),
      ],
      path: "Benchmarks/Integrators",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "ModelEvaluation",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "NadsimModel", package: "nadsim"),
        .product(name: "NadsimProblems", package: "nadsim"),
        .product(name: "NadsimLinearAlgebra", package: "nadsim"),
      ],
      path: "Benchmarks/ModelEvaluation",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "NADModel",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "NadsimModel", package: "nadsim"),
        .product(name: "NadsimODE", package: "nadsim"),
      ],
      path: "Benchmarks/NADModel",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "LinearAlgebra",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "NadsimLinearAlgebra", package: "nadsim"),
      ],
      path: "Benchmarks/LinearAlgebra",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
  ]
)
