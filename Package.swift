// swift-tools-version:6.2
import PackageDescription

/// Liqmap: collectors → Redis streams → sharded aggregators → PostgreSQL tiles → gateway.
/// Dependencies point inward: LiqmapCore is pure Swift with no I/O; the C clients sit at the edge.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "liqmap",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "liqmap", targets: ["liqmap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    ],
    targets: [
        // C clients, through pkg-config (apt: libhiredis-dev, libpq-dev).
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // zlib (apt: zlib1g-dev): gzip for the gateway's cached bodies.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Pure core: event model, units, no I/O.
        .target(name: "LiqmapCore", swiftSettings: strict),
        // The encoding of events on the Redis streams (Protocols/streams.md); pure.
        .target(name: "LiqmapWire", dependencies: ["LiqmapCore"], swiftSettings: strict),
        // Pure aggregation core: exact money, time/price grids, realized tiles and their binary form,
        // the projected liquidation book, consensus and accuracy metrics (docs/MODEL.md).
        .target(name: "LiqmapAggregation", dependencies: ["LiqmapCore"], swiftSettings: strict),
        // One pure parser per venue behind `FeedParser`, instrument metadata, recording lines.
        .target(name: "LiqmapExchanges", dependencies: ["LiqmapCore"], swiftSettings: strict),
        // The market simulator (issue #4): latent market, venue wire encoders, ground truth; pure but for its file writer.
        .target(name: "LiqmapSimulator", dependencies: ["LiqmapCore"], swiftSettings: strict),
        // A serial executor on a dedicated thread, for actors that make blocking C calls.
        .target(name: "LiqmapBlocking", swiftSettings: strict),
        // Thin, safe wrappers over the C clients.
        .target(name: "LiqmapRedis", dependencies: ["CHiredis", "LiqmapBlocking"], swiftSettings: strict),
        .target(name: "LiqmapPostgres", dependencies: ["CLibPQ", "LiqmapBlocking"], swiftSettings: strict),
        // Collectors: batching, publishing to the shard streams, spooling, replay.
        .target(
            name: "LiqmapCollector",
            dependencies: [
                "LiqmapCore", "LiqmapWire", "LiqmapExchanges", "LiqmapRedis", "LiqmapStatus", "LiqmapRegistry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Metrics bootstrap and the /metrics + /healthz endpoint of collectors and aggregators.
        .target(
            name: "LiqmapObservability",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Schema and migrations.
        .target(
            name: "LiqmapStore",
            dependencies: ["LiqmapCore", "LiqmapPostgres", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // The aggregator services (issue #5): shard ownership (advisory lock + lease + epoch fence),
        // consumption through the consumer group, effectively-once batch commits, tile writes.
        .target(
            name: "LiqmapAggregator",
            dependencies: [
                "LiqmapCore", "LiqmapWire", "LiqmapAggregation", "LiqmapRedis", "LiqmapPostgres", "LiqmapStore", "LiqmapStatus", "LiqmapRegistry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Operator status, pure: registry beats, the snapshot `liqmap status` reads, the health rules.
        .target(name: "LiqmapStatus", dependencies: ["LiqmapWire"], swiftSettings: strict),
        // The registry's I/O: heartbeats into Redis, and the reader behind `liqmap status`.
        .target(
            name: "LiqmapRegistry",
            dependencies: [
                "LiqmapStatus", "LiqmapWire", "LiqmapRedis", "LiqmapPostgres",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The gateway (Hummingbird 2): health, readiness, metrics and the /v1 routes.
        .target(
            name: "LiqmapGateway",
            dependencies: [
                "LiqmapCore", "LiqmapAggregation", "LiqmapRedis", "LiqmapPostgres", "LiqmapBlocking", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Model accuracy: a simulated market through the parsers and the projection model, scored
        // against the simulator's truth (`liqmap eval`).
        .target(
            name: "LiqmapEval",
            dependencies: ["LiqmapCore", "LiqmapExchanges", "LiqmapSimulator", "LiqmapAggregation"],
            swiftSettings: strict
        ),
        // Settings: defaults ← Config file ← environment ← flags.
        .target(
            name: "LiqmapConfig",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        // The `liqmap` commands.
        .target(
            name: "LiqmapCLI",
            dependencies: [
                "LiqmapCore", "LiqmapWire", "LiqmapExchanges", "LiqmapCollector", "LiqmapRedis", "LiqmapPostgres", "LiqmapStore",
                "LiqmapConfig", "LiqmapObservability", "LiqmapSimulator", "LiqmapLoopback", "LiqmapAggregation", "LiqmapAggregator",
                "LiqmapGateway", "LiqmapEval", "LiqmapStatus", "LiqmapRegistry", "LiqmapChaos", "LiqmapTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "liqmap",
            dependencies: ["LiqmapCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),

        // A venue on loopback (WebSocket + REST): plays a script or live frames, misbehaves on
        // command. The collector tests and `liqmap simulate --serve` both use it.
        .target(
            name: "LiqmapLoopback",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Test support: starts private Redis/PostgreSQL servers through Deploy/local/services.
        .target(
            name: "LiqmapTesting",
            dependencies: ["LiqmapRedis", "LiqmapPostgres", "LiqmapLoopback"],
            swiftSettings: strict
        ),
        .target(
            name: "LiqmapChaos",
            dependencies: [
                "LiqmapCore", "LiqmapWire", "LiqmapExchanges", "LiqmapAggregation", "LiqmapRedis", "LiqmapPostgres", "LiqmapStore",
                "LiqmapTesting", "LiqmapSimulator", "LiqmapCollector", "LiqmapStatus", "LiqmapRegistry", "LiqmapAggregator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LiqmapUnitTests",
            dependencies: [
                "LiqmapCore", "LiqmapWire", "LiqmapExchanges", "LiqmapCollector", "LiqmapRedis", "LiqmapPostgres", "LiqmapStore",
                "LiqmapConfig", "LiqmapCLI", "LiqmapSimulator", "LiqmapAggregation", "LiqmapEval", "LiqmapAggregator", "LiqmapGateway",
                "LiqmapStatus", "LiqmapChaos", "LiqmapLoopback",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "LiqmapCore", "LiqmapWire", "LiqmapExchanges", "LiqmapCollector", "LiqmapRedis", "LiqmapPostgres", "LiqmapStore",
                "LiqmapTesting", "LiqmapLoopback", "LiqmapObservability", "LiqmapSimulator", "LiqmapCLI", "LiqmapAggregation",
                "LiqmapAggregator", "LiqmapGateway", "LiqmapStatus", "LiqmapRegistry", "LiqmapChaos", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
