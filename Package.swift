// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "clusterpki",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "clusterpki", targets: ["ClusterPKICLI"]),
        .library(name: "ClusterPKICore", targets: ["ClusterPKICore"]),
        .library(name: "ClusterPKIKubeconfig", targets: ["ClusterPKIKubeconfig"]),
        .library(name: "ClusterPKIStore", targets: ["ClusterPKIStore"]),
        .library(name: "ClusterPKIServer", targets: ["ClusterPKIServer"]),
        .library(name: "ClusterPKIJoin", targets: ["ClusterPKIJoin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The join client needs an HTTPS client with a caller-chosen trust root (insecure first fetch, then a pinned CA);
        // Foundation's URLSession cannot set trust roots on Linux. AsyncHTTPClient is already in the graph via Hummingbird.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // The system libcrypto, for RSA signing only (twice BoringSSL's rate; see Keys/OpenSSLRSASigningKey.swift).
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "ClusterPKICore",
            dependencies: [
                "CLibCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ClusterPKIKubeconfig",
            dependencies: ["ClusterPKICore", "ClusterPKIStore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ClusterPKIStore",
            dependencies: [
                "ClusterPKICore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ClusterPKIServer",
            dependencies: [
                "ClusterPKICore", "ClusterPKIKubeconfig", "ClusterPKIStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ClusterPKIJoin",
            dependencies: [
                "ClusterPKICore", "ClusterPKIKubeconfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ClusterPKICLI",
            dependencies: [
                "ClusterPKICore", "ClusterPKIKubeconfig", "ClusterPKIStore", "ClusterPKIServer", "ClusterPKIJoin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKICoreTests",
            dependencies: ["ClusterPKICore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIKubeconfigTests",
            dependencies: ["ClusterPKIKubeconfig", "ClusterPKICore", "ClusterPKIStore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIServerTests",
            dependencies: ["ClusterPKIServer", "ClusterPKIJoin", "ClusterPKICore", "ClusterPKIKubeconfig", "ClusterPKIStore",
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIStoreTests",
            dependencies: ["ClusterPKIStore", "ClusterPKICore"],
            swiftSettings: swiftSettings
        ),
    ]
)
