import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIJoin
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// A control plane (`cp-1`) serving the join endpoint over real TLS on 127.0.0.1: the whole certificate tree, the
/// kubeadm bootstrap token ``token`` and an upload of the shared certificates, as `init --upload-certs` leaves them.
struct LiveJoinEndpoint {
    static let token = "abcdef.0123456789abcdef"

    let cluster: TestCluster
    let certificateKey: CertificateKey
    let port: Int
    /// With `failingReplica`: a second server of the same cluster that answers every request with 503.
    var failingPort: Int?

    var server: String { "127.0.0.1:\(port)" }
    /// The `--discovery-token-ca-cert-hash` of the cluster CA.
    var caCertHash: String { get throws { try DiscoveryHash(of: cluster.authority.certificate).description } }
    /// Where a joining node's directories go.
    func nodeRoot(_ name: String) -> URL { cluster.directory.appendingPathComponent("nodes/\(name)") }

    /// What `clusterpki join 127.0.0.1:<port> --token … --discovery-token-ca-cert-hash … --node-name <name>` asks.
    func request(node name: String, controlPlane: Bool = false, token: String = Self.token) throws -> JoinRequest {
        var overrides = SettingsOverrides()
        overrides.nodeName = name
        overrides.encryptionAlgorithm = "ECDSA-P256"  // for speed; the shared CA keys are P-256 anyway
        var request = JoinRequest(
            server: server, token: token, caCertHashes: [try caCertHash],
            kubernetesDir: nodeRoot(name).appendingPathComponent("etc"),
            kubeletDir: nodeRoot(name).appendingPathComponent("kubelet"), policy: TestSupport.policyURL("kubeadm").path,
            overrides: overrides)
        request.timeout = 20
        if controlPlane {
            request.controlPlane = true
            request.certificateKey = certificateKey.description
            request.overrides.advertiseAddress = "127.0.0.2"
        }
        return request
    }

    /// Runs `body` against a fresh endpoint whose server side follows `policy` (default: kubeadm's); `intercept`
    /// answers instead of the server where it returns a response.
    static func run(
        policy: PKIPolicy? = nil, intercept: (@Sendable (Request) -> Response?)? = nil, failingReplica: Bool = false,
        stateKey: URL? = nil, _ body: (LiveJoinEndpoint) async throws -> Void
    ) async throws {
        let cluster = try TestCluster(policy: policy)
        try await CertsPhase(context: cluster.tree).generate(["all"])
        _ = try await cluster.token(Self.token)
        // `stateKey`: the upload carries a state key, as on a cluster whose nodes share an etcd store.
        let upload = try await CertificateUploader.upload(
            context: cluster.tree, store: cluster.store, key: nil, actor: "test", stateKey: stateKey)
        let logger = Logger(label: "join-test")
        let serving = ServingCertificate(
            tree: cluster.tree, authority: cluster.authority,
            subjectAltNames: ServingCertificate.subjectAltNames(
                listenHost: "127.0.0.1", nodeName: "cp-1", advertiseHost: nil, extras: []))
        let tls = try ServingTLS(
            material: try await serving.ensure(now: Date(), logger: logger),
            authorities: ClusterCAWatcher(fixed: cluster.authority, bundlePEM: cluster.caPEM))
        let environment = cluster.environment(peer: TLSConnectionPeer())
        func serve(_ port: Int) async throws {
            guard failingReplica else {
                return try await body(LiveJoinEndpoint(cluster: cluster, certificateKey: upload.key, port: port))
            }
            try await withLiveServer(
                environment: environment, tls: tls, logger: logger,
                intercept: { _ in Response(status: .serviceUnavailable) }
            ) { failing in
                try await body(
                    LiveJoinEndpoint(cluster: cluster, certificateKey: upload.key, port: port, failingPort: failing))
            }
        }
        if let intercept {
            try await withLiveServer(environment: environment, tls: tls, logger: logger, intercept: intercept, serve)
        } else {
            try await withLiveServer(environment: environment, tls: tls, logger: logger, serve)
        }
    }
}

/// Collects the progress lines of a join.
final class ProgressLines: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    var all: [String] { lines.withLockedValue { $0 } }
    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
}
