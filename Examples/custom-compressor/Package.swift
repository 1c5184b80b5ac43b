// swift-tools-version: 6.1
// An oracle stage of one's own, added to BoundCheck from a separate package: the stage
// `stochastic-rounding`, registered in a catalog, and a `boundcheck-custom` command line over it.
import Foundation
import PackageDescription

/// A path dependency's package identity is its folder's name (the BoundCheck checkout may be
/// called anything), so the products below name it through this.
let boundCheck = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../..").standardizedFileURL.lastPathComponent

let package = Package(
    name: "CustomCompressor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "boundcheck-custom", targets: ["boundcheck-custom"]),
    ],
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .target(name: "StochasticRounding", dependencies: [.product(name: "BoundCheck", package: boundCheck)]),
        .executableTarget(name: "boundcheck-custom",
                          dependencies: ["StochasticRounding", .product(name: "BoundCheck", package: boundCheck),
                                         .product(name: "BoundCheckCLI", package: boundCheck)]),
        .testTarget(name: "StochasticRoundingTests",
                    dependencies: ["StochasticRounding", .product(name: "BoundCheck", package: boundCheck),
                                   .product(name: "BoundCheckTesting", package: boundCheck)]),
    ],
    swiftLanguageModes: [.v6]
)
