import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Logging
import NIOSSL

/// A live TLS server on 127.0.0.1 whose `server.connections` the test chooses, with a store that counts its calls.
struct LiveConnectionFixture {
    let cluster: TestCluster
    let store: CountingStore
    let tls: ServingTLS
    let logger = Logger(label: "test")

    init(connections: ServerPolicy.ConnectionPolicy) async throws {
        var policy = try TestSupport.policy("kubeadm")
        var server = policy.serverPolicy
        server.connections = connections
        policy.server = server
        cluster = try TestCluster(policy: policy)
        store = CountingStore(cluster.store)
        let serving = ServingCertificate(
            tree: cluster.tree, authority: cluster.authority,
            subjectAltNames: ServingCertificate.subjectAltNames(
                listenHost: "127.0.0.1", nodeName: "cp-1", advertiseHost: nil, extras: ["localhost"]))
        tls = try ServingTLS(
            material: try await serving.ensure(now: Date(), logger: logger),
            authorities: ClusterCAWatcher(fixed: cluster.authority, bundlePEM: cluster.caPEM))
    }

    /// Runs `body` with the port of the live server.
    func serve(_ body: (Int) async throws -> Void) async throws {
        var environment = cluster.environment(peer: TLSConnectionPeer())
        environment.store = store
        try await withLiveServer(environment: environment, tls: tls, logger: logger, body)
    }

    /// A client configuration that trusts the cluster CA, with `credential` as client certificate when given.
    func clientTLS(_ credential: TestCredential? = nil) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(cluster.caPEM)))
        if let credential {
            configuration.certificateChain = [
                .certificate(
                    try NIOSSLCertificate(
                        bytes: Array(try credential.certificate.serializeAsPEM().pemString.utf8), format: .pem))
            ]
            configuration.privateKey = .privateKey(
                try NIOSSLPrivateKey(bytes: Array(try credential.key.pemString().utf8), format: .pem))
        }
        return configuration
    }

    /// A TLS connection whose handshake has completed.
    func connect(port: Int, credential: TestCredential? = nil) async throws -> RawConnection {
        let connection = try await RawConnection.connect(port: port, tls: try clientTLS(credential))
        guard await connection.wait(upTo: .seconds(5), until: { connection.handshaken }) else {
            throw FixtureError.handshakeDidNotComplete
        }
        return connection
    }

    enum FixtureError: Error { case handshakeDidNotComplete }
}

extension ServerPolicy.ConnectionPolicy {
    /// Short deadlines for tests (seconds).
    static func testing(
        handshake: Double = 30, header: Double = 30, body: Double = 30, idle: Double = 30, maxConnections: Int = 100,
        maxWatches: Int = 10
    ) -> Self {
        Self(
            maxConnections: maxConnections, handshakeTimeout: GoDuration(seconds: handshake),
            requestHeaderTimeout: GoDuration(seconds: header),
            requestBodyTimeout: GoDuration(seconds: body), idleTimeout: GoDuration(seconds: idle),
            maxWatchesPerIdentity: maxWatches)
    }
}
