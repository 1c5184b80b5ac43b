// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "BoundCheck",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BoundCheck", targets: ["BoundCheck"]),
        // The command line as a library: a user's package starts it over its own catalog.
        .library(name: "BoundCheckCLI", targets: ["BoundCheckCLI"]),
        // The contract checks users run on their own plug-ins (oracle stages).
        .library(name: "BoundCheckTesting", targets: ["BoundCheckTesting"]),
        .executable(name: "boundcheck", targets: ["boundcheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        // `swift package generate-documentation` (DocC) for the library; nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // GNU GSL through pkg-config; `apt-get install libgsl-dev` provides it.
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .target(name: "GSL", dependencies: ["CGSL"]),
        // The hot vector kernels in C, compiled for AVX-512, AVX2 and the baseline and chosen at
        // run time (docs/performance.md): the same bits on every path.
        .target(name: "CKernels"),
        // Line charts as SVG: a general chart library the reports use, not BoundCheck API.
        .target(name: "SVGChart"),
        .target(
            name: "BoundCheck",
            dependencies: ["GSL", "CKernels", "SVGChart", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "BoundCheckTesting", dependencies: ["BoundCheck"]),
        .target(
            name: "BoundCheckCLI",
            dependencies: ["BoundCheck", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "boundcheck", dependencies: ["BoundCheck", "BoundCheckCLI"]),
        .testTarget(name: "GSLTests", dependencies: ["GSL"]),
        .testTarget(name: "SVGChartTests", dependencies: ["SVGChart"]),
        .testTarget(name: "BoundCheckCLITests", dependencies: ["BoundCheck", "BoundCheckCLI"]),
        .testTarget(
            name: "BoundCheckTests",
            dependencies: ["BoundCheck", "BoundCheckTesting", "CKernels", "GSL", "SVGChart", .product(name: "PropertyBased", package: "swift-property-based"),
                           .product(name: "Yams", package: "Yams")],
            resources: [.copy("Snapshots")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
