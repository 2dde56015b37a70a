// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by every Ember target: Swift 6 language mode is the tools default;
/// warnings are errors on our own code (dependencies stay silent).
let emberSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Ember",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ember", targets: ["ember"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Domain types, errors and faults, configuration, request context. No NIO, no HTTP.
        .target(
            name: "EmberCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: emberSettings
        ),
        // Persistence: store protocols, SQLite and PostgreSQL implementations, migrations.
        .target(
            name: "EmberStore",
            dependencies: [
                "EmberCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "CSQLite3",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: emberSettings
        ),
        // paste.deploy loader, urlmap, middleware, versions app: the WSGI layer.
        .target(
            name: "EmberWSGI",
            dependencies: [
                "EmberCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        // The image service (Glance v2) client over AsyncHTTPClient: image metadata for the
        // volume API, image data streamed to and from the volume backends.
        .target(
            name: "EmberImage",
            dependencies: [
                "EmberCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        // Volume encryption keys: castellan's key manager interface, cinder's fixed-key manager
        // and the Barbican v1 client.
        .target(
            name: "EmberKeys",
            dependencies: [
                "EmberCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        // The volume API (business layer), quota engine and what it asks the workers to do.
        .target(
            name: "EmberRPC",
            dependencies: [
                "EmberCore",
                "EmberBus",
            ],
            swiftSettings: emberSettings
        ),
        .target(
            name: "EmberVolume",
            dependencies: [
                "EmberCore",
                "EmberStore",
                "EmberBus",
                "EmberRPC",
                "EmberImage",
                "EmberKeys",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: emberSettings
        ),
        // The RPC workers: scheduler manager, volume manager (one per backend) and drivers.
        .target(
            name: "EmberWorkers",
            dependencies: [
                "EmberCore",
                "EmberStore",
                "EmberBus",
                "EmberRPC",
                "EmberImage",
                "EmberKeys",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        // The system SQLite (Debian: libsqlite3-dev), the embedded store's database.
        .systemLibrary(name: "CSQLite3", path: "Sources/CSQLite3", providers: [.apt(["libsqlite3-dev"])]),
        // The system zlib (Debian: zlib1g-dev), for the backup service's chunk compression.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Controllers, views, request schemas and the API routers.
        .target(
            name: "EmberAPI",
            dependencies: [
                "EmberBus",
                "EmberCore",
                "EmberImage",
                "EmberWSGI",
                "EmberVolume",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        // Launcher, WSGI server (HTTP/HTTPS), signals: cinder/service.py and cinder/wsgi.py.
        .target(
            name: "EmberService",
            dependencies: [
                "EmberCore",
                "EmberWSGI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        // Keystone: the authtoken filter (keystonemiddleware's token validation over
        // AsyncHTTPClient), registered into the paste registry by the service.
        .target(
            name: "EmberIdentity",
            dependencies: [
                "EmberCore",
                "EmberWSGI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        .executableTarget(
            name: "ember",
            dependencies: [
                "EmberIdentity",
                "EmberImage",
                "EmberKeys",
                "EmberCore",
                "EmberWSGI",
                "EmberAPI",
                "EmberVolume",
                "EmberWorkers",
                "EmberService",
                "EmberStore",
                "EmberBus",
                "EmberRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        // The bare-Hummingbird ceiling the wrk benchmark compares Ember with.
        .executableTarget(
            name: "HelloHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/HelloHummingbird",
            swiftSettings: emberSettings
        ),
        // Message bus: versioned envelopes, `MessageBus` (cast, call, fanout), in-process and
        // PostgreSQL transports: oslo.messaging's place.
        .target(
            name: "EmberBus",
            dependencies: [
                "EmberCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        // ember-store-bench: store latency on 100,000 volumes per backend (Benchmarks/EmberStoreBenchmark).
        .executableTarget(
            name: "ember-store-bench",
            dependencies: [
                "EmberCore",
                "EmberStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/EmberStoreBenchmark",
            swiftSettings: emberSettings
        ),
        // Helpers shared by the test targets: temporary directories, certificates, processes.
        .target(
            name: "EmberTesting",
            dependencies: [
                "EmberCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberCoreTests",
            dependencies: ["EmberCore", "EmberTesting"],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberWSGITests",
            dependencies: [
                "EmberCore",
                "EmberWSGI",
                "EmberTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberServiceTests",
            dependencies: [
                "ember",
                "EmberCore",
                "EmberWSGI",
                "EmberService",
                "EmberTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberAPITests",
            dependencies: [
                "EmberCore",
                "EmberImage",
                "EmberKeys",
                "EmberWSGI",
                "EmberAPI",
                "EmberIdentity",
                "EmberVolume",
                "EmberStore",
                "EmberBus",
                "EmberRPC",
                "EmberWorkers",
                "EmberTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberIdentityTests",
            dependencies: [
                "EmberCore",
                "EmberWSGI",
                "EmberIdentity",
                "EmberTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberWorkersTests",
            dependencies: [
                "EmberCore",
                "EmberImage",
                .product(name: "NIOCore", package: "swift-nio"),
                "EmberStore",
                "EmberBus",
                "EmberRPC",
                "EmberVolume",
                "EmberWorkers",
                "EmberTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberImageTests",
            dependencies: [
                "EmberCore",
                "EmberImage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberKeysTests",
            dependencies: [
                "EmberCore",
                "EmberKeys",
                "EmberTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberStoreTests",
            dependencies: ["EmberCore", "EmberStore", "EmberTesting"],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberBusTests",
            dependencies: [
                "EmberBus",
                "EmberCore",
                "EmberTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: emberSettings
        ),
        .testTarget(
            name: "EmberRPCTests",
            dependencies: ["EmberBus", "EmberCore", "EmberRPC"],
            swiftSettings: emberSettings
        ),
    ]
)
