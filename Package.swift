// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target of ours: Swift 6 mode plus the upcoming
/// features Hummingbird builds with (see STYLE.md).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "poc-relay",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Sodium", targets: ["Sodium"]),
        .library(name: "RelayProtocol", targets: ["RelayProtocol"]),
        .library(name: "RelayStore", targets: ["RelayStore"]),
        .executable(name: "relay-benchmarks", targets: ["RelayBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0")
    ],
    targets: [
        // libsodium 1.0.18 from the system (Debian: libsodium-dev).
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // The only target that imports CSodium: a small, misuse-resistant API.
        .target(name: "Sodium", dependencies: ["CSodium"], swiftSettings: swiftSettings),
        // The wire contract of PROTOCOL.md v1: pure, no networking, no files.
        .target(name: "RelayProtocol", dependencies: ["Sodium"], swiftSettings: swiftSettings),
        // The relay's SQLite store (GRDB on the system libsqlite3).
        .target(
            name: "RelayStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "RelayBenchmarks",
            dependencies: ["Sodium", "RelayProtocol", "CSodium"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SodiumTests", dependencies: ["Sodium"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RelayProtocolTests",
            dependencies: ["RelayProtocol", "Sodium"],
            resources: [.copy("Resources/protocol-v1.json")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelayStoreTests",
            dependencies: ["RelayStore"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
