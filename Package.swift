// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

// Dependencies point one way: Commands → Server / Join; Server → Health → Lifecycle → Kubeconfig / SQLiteStore /
// EtcdStore → Store → API → Core (Join uses Kubeconfig, API and Core only).
// `ClusterPKITesting` is a dependency of test targets only.
let package = Package(
    name: "clusterpki",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "clusterpki", targets: ["ClusterPKICLI"]),
        // A benchmark peer only (scripts/bench.sh endpoint): sign-only on clusterpki's stack, see its source.
        .executable(name: "signing-floor", targets: ["SigningFloor"]),
        .library(name: "ClusterPKICore", targets: ["ClusterPKICore"]),
        .library(name: "ClusterPKIAPI", targets: ["ClusterPKIAPI"]),
        .library(name: "ClusterPKIStore", targets: ["ClusterPKIStore"]),
        .library(name: "ClusterPKISQLiteStore", targets: ["ClusterPKISQLiteStore"]),
        .library(name: "ClusterPKIKubeconfig", targets: ["ClusterPKIKubeconfig"]),
        .library(name: "ClusterPKILifecycle", targets: ["ClusterPKILifecycle"]),
        .library(name: "ClusterPKIHealth", targets: ["ClusterPKIHealth"]),
        .library(name: "ClusterPKIServer", targets: ["ClusterPKIServer"]),
        .library(name: "ClusterPKIJoin", targets: ["ClusterPKIJoin"]),
        .library(name: "ClusterPKICommands", targets: ["ClusterPKICommands"]),
        .library(name: "ClusterPKIEtcdStore", targets: ["ClusterPKIEtcdStore"]),
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
        // HTTP/1 ↔ HTTP types codec, where clusterpki serve reads a request's HTTP version (already in Hummingbird's graph).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The join client needs an HTTPS client with a caller-chosen trust root (insecure first fetch, then a pinned CA);
        // Foundation's URLSession cannot set trust roots on Linux. AsyncHTTPClient is already in the graph via Hummingbird.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Golden files for every command's --help (a flag cannot change by accident).
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.19.7"),
        // The status page (/ui/): swift-mustache over Plot because its templates read as the HTML they produce, it comes
        // from the Hummingbird project we already serve with, has no dependencies, and escapes every {{value}} for HTML
        // (< > & " ') by default, so nothing from a certificate or the store can inject markup. Templates are compiled-in
        // strings, not resources, so an installed binary needs no files beside it.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // etcd's v3 API is gRPC; EtcdAPI holds the code generated from etcd's protos (scripts/generate-etcd-grpc.sh).
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        // The system libcrypto, for RSA signing only (twice BoringSSL's rate; see Keys/OpenSSLRSASigningKey.swift).
        .systemLibrary(
            name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // The CA core: policy, keys, CA, the certs phase, renewal, journaled files, discovery hash, JWS, copy-certs.
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
            swiftSettings: swiftSettings,
            plugins: ["EmbedPolicies"]
        ),
        // Writes policies/*.yaml as Swift string literals (run at build time by the EmbedPolicies plugin), so the
        // shipped policies work for a binary copied alone; files on disk still override them (PolicyLocator).
        .executableTarget(name: "PolicyEmbedder", swiftSettings: swiftSettings),
        .plugin(name: "EmbedPolicies", capability: .buildTool(), dependencies: ["PolicyEmbedder"]),
        // The wire: Kubernetes objects both ends encode and decode, route paths, signer names, cluster-info.
        .target(
            name: "ClusterPKIAPI",
            dependencies: [
                "ClusterPKICore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the service keeps, as protocols and values: tokens, uploads, audit, ledger, CSRs, rotation phases.
        .target(
            name: "ClusterPKIStore",
            dependencies: ["ClusterPKICore", "ClusterPKIAPI", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The embedded single-node store: one SQLite file (GRDB).
        .target(
            name: "ClusterPKISQLiteStore",
            dependencies: [
                "ClusterPKIStore", "ClusterPKICore", "ClusterPKIAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Kubeconfig files: the model, the kubeconfig phase, user credentials, in-place renewal.
        .target(
            name: "ClusterPKIKubeconfig",
            dependencies: ["ClusterPKICore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The credential lifecycle over time: init's phases, uploads, revocation, scheduled renewal, CA and SA rotation.
        .target(
            name: "ClusterPKILifecycle",
            dependencies: [
                "ClusterPKICore", "ClusterPKIAPI", "ClusterPKIStore", "ClusterPKIKubeconfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // One health model of a node's PKI: findings with severity and the command that fixes each (doctor, /ui/, /metrics).
        .target(
            name: "ClusterPKIHealth",
            dependencies: [
                "ClusterPKICore", "ClusterPKIStore", "ClusterPKIKubeconfig", "ClusterPKILifecycle",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // `clusterpki serve`: the Kubernetes-shaped HTTPS endpoint (Hummingbird 2 + TLS).
        .target(
            name: "ClusterPKIServer",
            dependencies: [
                "ClusterPKICore", "ClusterPKIAPI", "ClusterPKIStore", "ClusterPKIKubeconfig", "ClusterPKILifecycle",
                "ClusterPKIHealth",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `clusterpki join` and `kubelet renew`: the node side, over HTTPS only (no database).
        .target(
            name: "ClusterPKIJoin",
            dependencies: [
                "ClusterPKICore", "ClusterPKIAPI", "ClusterPKIKubeconfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Generated code only (scripts/generate-etcd-grpc.sh): etcd's KV, Lease, Watch and Maintenance clients.
        .target(
            name: "EtcdAPI",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "ClusterPKIEtcdStore",
            dependencies: [
                "ClusterPKIStore", "ClusterPKIAPI", "ClusterPKICore", "EtcdAPI",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // Every command: parse flags, call one library function, print. The composition root (opens the store).
        .target(
            name: "ClusterPKICommands",
            dependencies: [
                "ClusterPKICore", "ClusterPKIAPI", "ClusterPKIStore", "ClusterPKISQLiteStore", "ClusterPKIEtcdStore",
                "ClusterPKIKubeconfig", "ClusterPKILifecycle", "ClusterPKIServer", "ClusterPKIJoin", "ClusterPKIHealth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ClusterPKICLI",
            dependencies: ["ClusterPKICommands"],
            swiftSettings: swiftSettings
        ),
        // cfssl's sign-only API on Hummingbird + swift-certificates + ClusterPKICore's CA, nothing else: what the stack
        // costs per signed CSR before clusterpki's product path (scripts/bench.sh endpoint). Not shipped.
        .executableTarget(
            name: "SigningFloor",
            dependencies: [
                "ClusterPKICore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared test fixtures: temporary trees, one test cluster, a live server, peers (openssl).
        .target(
            name: "ClusterPKITesting",
            dependencies: [
                "ClusterPKICore", "ClusterPKIAPI", "ClusterPKIStore", "ClusterPKISQLiteStore", "ClusterPKIEtcdStore",
                "ClusterPKIKubeconfig", "ClusterPKILifecycle", "ClusterPKIServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ClusterPKITesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKICoreTests",
            dependencies: ["ClusterPKICore", "ClusterPKITesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIAPITests",
            dependencies: ["ClusterPKIAPI", "ClusterPKICore", "ClusterPKIStore", "ClusterPKITesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIStoreTests",
            dependencies: [
                "ClusterPKIStore", "ClusterPKISQLiteStore", "ClusterPKIAPI", "ClusterPKICore", "ClusterPKITesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIKubeconfigTests",
            dependencies: [
                "ClusterPKIKubeconfig", "ClusterPKICore", "ClusterPKIStore", "ClusterPKILifecycle",
                "ClusterPKICommands",
                "ClusterPKITesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKILifecycleTests",
            dependencies: [
                "ClusterPKILifecycle", "ClusterPKIKubeconfig", "ClusterPKICore", "ClusterPKIStore",
                "ClusterPKISQLiteStore",
                "ClusterPKITesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIHealthTests",
            dependencies: [
                "ClusterPKIHealth", "ClusterPKICore", "ClusterPKIAPI", "ClusterPKIStore", "ClusterPKISQLiteStore",
                "ClusterPKIKubeconfig",
                "ClusterPKILifecycle", "ClusterPKITesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIServerTests",
            dependencies: [
                "ClusterPKIServer", "ClusterPKIJoin", "ClusterPKICore", "ClusterPKIAPI", "ClusterPKIKubeconfig",
                "ClusterPKILifecycle",
                "ClusterPKIStore", "ClusterPKISQLiteStore", "ClusterPKIEtcdStore", "ClusterPKITesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIJoinTests",
            dependencies: [
                "ClusterPKIJoin", "ClusterPKIAPI", "ClusterPKICore", "ClusterPKIKubeconfig", "ClusterPKIServer",
                "ClusterPKIStore",
                "ClusterPKILifecycle", "ClusterPKITesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKICommandsTests",
            dependencies: [
                "ClusterPKICommands", "ClusterPKITesting", "ClusterPKIStore", "ClusterPKISQLiteStore",
                "ClusterPKIEtcdStore",
                "ClusterPKICore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterPKIEtcdStoreTests",
            dependencies: [
                "ClusterPKIEtcdStore", "EtcdAPI", "ClusterPKIStore", "ClusterPKISQLiteStore", "ClusterPKIAPI",
                "ClusterPKICore",
                "ClusterPKITesting",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
