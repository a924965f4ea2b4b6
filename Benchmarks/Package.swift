// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks for dixmgr, kept in their own package so the benchmark
// tooling never becomes a dependency of the product. Run with `make bench`.
let package = Package(
    name: "dixmgr-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "dixmgr", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ResilienceBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DixResilience", package: "dixmgr"),
            ],
            path: "Benchmarks/ResilienceBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
