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
        .library(name: "RelayService", targets: ["RelayService"]),
        .library(name: "RelayServer", targets: ["RelayServer"]),
        .library(name: "RelayClient", targets: ["RelayClient"]),
        .executable(name: "poc-relay", targets: ["poc-relay"]),
        .executable(name: "poc", targets: ["poc"]),
        .executable(name: "relay-benchmarks", targets: ["RelayBenchmarks"]),
        .executable(name: "ProtocolFuzzer", targets: ["ProtocolFuzzer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
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
        // The wire contract of docs/protocol.md (version 1.1): pure, no networking, no files.
        .target(name: "RelayProtocol", dependencies: ["Sodium"], swiftSettings: swiftSettings),
        // The relay's SQLite store (GRDB on the system libsqlite3).
        .target(
            name: "RelayStore",
            dependencies: ["RelayProtocol", "Sodium", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The relay's rules, independent of HTTP: used by RelayServer and poc-relay.
        .target(
            name: "RelayService",
            dependencies: [
                "RelayProtocol", "RelayStore", "Sodium",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Out-of-band alerts (section 10): the sender service, webhooks (AsyncHTTPClient) and e-mail (sendmail).
        .target(
            name: "RelayAlerts",
            dependencies: [
                "RelayService", "RelayStore", "RelayProtocol", "Sodium", "ProcessLaunch",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTPS on Hummingbird 2: thin HTTP glue over RelayService.
        .target(
            name: "RelayServer",
            dependencies: [
                "RelayService", "RelayProtocol", "RelayAlerts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTPS client of docs/protocol.md section 5 (AsyncHTTPClient), for `poc`, tests and benchmarks.
        .target(
            name: "RelayClient",
            dependencies: [
                "RelayProtocol", "Sodium",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Launching child processes one at a time (Foundation's Process.run is not thread-safe).
        .target(name: "ProcessLaunch", swiftSettings: swiftSettings),
        // Live relays on 127.0.0.1, dev certificates, enrolled POCs and a WebDriver client for Chromium, for tests.
        .target(
            name: "RelayTestSupport",
            dependencies: [
                "RelayServer", "RelayService", "RelayStore", "RelayClient", "RelayProtocol", "Sodium", "ProcessLaunch",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // The POC's side: home, encrypted keys and record, pins, outbox, and the client operations.
        .target(
            name: "PocKit",
            dependencies: [
                "RelayClient", "RelayProtocol", "Sodium",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // `poc ui`: the local web interface on 127.0.0.1 over PocKit (templates, styles and catalogs embedded).
        .target(
            name: "PocUI",
            dependencies: [
                "CommandLineSupport", "PocKit", "RelayProtocol", "Sodium",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // What both command lines print and parse alike: one-line errors, durations, tables, JSON.
        .target(
            name: "CommandLineSupport",
            dependencies: ["RelayProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        // The `poc` command line over PocKit.
        .target(
            name: "PocCLI",
            dependencies: [
                "CommandLineSupport", "PocKit", "PocUI", "RelayClient", "RelayProtocol", "Sodium", "ProcessLaunch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "poc", dependencies: ["PocCLI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PocTests",
            dependencies: [
                "PocCLI", "PocKit", "RelayTestSupport", "RelayServer", "RelayClient", "RelayProtocol", "RelayService", "RelayStore", "Sodium",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PocUITests",
            dependencies: [
                "PocUI", "PocCLI", "PocKit", "ProcessLaunch", "RelayTestSupport", "RelayProtocol", "RelayService", "Sodium",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The custodian's host tool: init, serve, invite, revoke, states, ping, audit, backup, restore, check, health.
        .executableTarget(
            name: "poc-relay",
            dependencies: [
                "CommandLineSupport", "RelayAlerts", "RelayServer", "RelayService", "RelayStore", "RelayProtocol", "RelayClient", "Sodium",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fuzzing the parsers of peer-chosen bytes: the target and a random-mutation engine.
        .target(name: "ProtocolFuzzing", dependencies: ["RelayProtocol", "Sodium"], swiftSettings: swiftSettings),
        // libFuzzer's driver, declared for the libFuzzer build of ProtocolFuzzer.
        .target(name: "CFuzzerDriver"),
        // libFuzzer target with `scripts/fuzz`; the random-mutation loop when built normally.
        .executableTarget(name: "ProtocolFuzzer", dependencies: ["ProtocolFuzzing", "CFuzzerDriver"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "RelayBenchmarks",
            dependencies: [
                "Sodium", "RelayProtocol", "CSodium", "RelayTestSupport", "RelayServer", "RelayClient", "RelayStore", "RelayService", "ProcessLaunch",
                "PocKit", "PocUI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web interface in headless Chromium over WebDriver (chromium and chromium-driver), and the client's self-test.
        .testTarget(
            name: "BrowserTests",
            dependencies: [
                "RelayTestSupport", "RelayServer", "RelayService", "RelayClient", "RelayProtocol", "Sodium", "ProcessLaunch",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SodiumTests", dependencies: ["Sodium"], swiftSettings: swiftSettings),
        .testTarget(name: "CommandLineSupportTests", dependencies: ["CommandLineSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RelayProtocolTests",
            dependencies: ["RelayProtocol", "Sodium"],
            resources: [.copy("Resources/protocol-v1.json"), .copy("Resources/alerts-v1.1.json")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelayClientTests",
            dependencies: [
                "RelayClient", "RelayProtocol", "Sodium",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelayServerTests",
            dependencies: [
                "RelayTestSupport", "RelayServer", "RelayService", "RelayStore", "RelayClient", "RelayProtocol", "Sodium",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelayHostTests",
            dependencies: [
                "ProcessLaunch", "RelayTestSupport", "RelayServer", "RelayService", "RelayStore", "RelayClient", "RelayProtocol", "Sodium",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Crash safety with the real binary, hostile input, isolation, slow clients, fuzzing.
        .testTarget(
            name: "RelayReliabilityTests",
            dependencies: [
                "ProcessLaunch", "RelayTestSupport", "RelayServer", "RelayService", "RelayStore", "RelayClient", "RelayProtocol", "Sodium",
                "ProtocolFuzzing",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Operations: backup under load, restore, check, migrations through the CLI, and POC-101's commands run for real.
        .testTarget(
            name: "RelayOperationsTests",
            dependencies: [
                "ProcessLaunch", "RelayTestSupport", "RelayServer", "RelayService", "RelayStore", "RelayClient", "RelayProtocol", "Sodium",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Alert delivery: webhooks to a real receiver, sendmail as a real program, retries, the e-mail.
        .testTarget(
            name: "RelayAlertsTests",
            dependencies: [
                "RelayAlerts", "RelayTestSupport", "RelayServer", "RelayService", "RelayStore", "RelayClient", "RelayProtocol", "Sodium",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelayStoreTests",
            dependencies: ["RelayStore", "RelayProtocol", "Sodium", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // GroupCommit, InboxNotifier and CallerCache on their own, and the service's inbox over a real store.
        .testTarget(
            name: "RelayServiceTests",
            dependencies: [
                "RelayService", "RelayStore", "RelayProtocol", "RelayTestSupport", "Sodium",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
