import ClusterPKIAPI
import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOSSL
import Testing

/// The real stack on 127.0.0.1: TLS, the serving certificate from the cluster CA, optional client certificates.
@Suite(.serialized) struct LiveTLSTests {
    @Test func tlsWithOptionalClientCertificates() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        let admin = try await cluster.admin()
        let logger = Logger(label: "test")
        let serving = ServingCertificate(
            tree: cluster.tree, authority: cluster.authority,
            subjectAltNames: ServingCertificate.subjectAltNames(
                listenHost: "127.0.0.1", nodeName: "cp-1", advertiseHost: nil, extras: ["localhost"]))
        let material = try await serving.ensure(now: Date(), logger: logger)
        #expect(material.renewed)
        #expect(try await serving.ensure(now: Date(), logger: logger).renewed == false)
        let tls = try ServingTLS(
            material: material, authorities: ClusterCAWatcher(fixed: cluster.authority, bundlePEM: cluster.caPEM))
        let peer = TLSConnectionPeer()
        let environment = cluster.environment(peer: peer)
        try await withLiveServer(environment: environment, tls: tls, logger: logger) { serverPort in
            let roots = try NIOSSLCertificate.fromPEMBytes(Array(cluster.caPEM))

            // Anonymous over verified TLS: cluster-info, and 403 on a protected route.
            var anonymousTLS = TLSConfiguration.makeClientConfiguration()
            anonymousTLS.trustRoots = .certificates(roots)
            let anonymous = TestClient(
                host: "127.0.0.1", port: serverPort,
                configuration: .init(tlsConfiguration: anonymousTLS, serverName: "localhost"))
            anonymous.connect()
            let info = try await anonymous.get("/api/v1/namespaces/kube-public/configmaps/cluster-info")
            #expect(info.status == .ok)
            #expect(String(buffer: info.body ?? ByteBuffer()).contains("jws-kubeconfig-abcdef"))
            let denied = try await anonymous.get("/api/v1/namespaces/kube-system/secrets")
            #expect(denied.status == .forbidden)
            // The connection's "no certificate" is remembered: asked again, still anonymous.
            #expect(peer.rememberedConnections == 1)
            #expect(try await anonymous.get("/api/v1/namespaces/kube-system/secrets").status == .forbidden)
            try await anonymous.shutdown()

            // The admin client certificate from admin.conf is recognised.
            var adminTLS = anonymousTLS
            adminTLS.certificateChain = [
                .certificate(
                    try NIOSSLCertificate(
                        bytes: Array(try admin.certificate.serializeAsPEM().pemString.utf8), format: .pem))
            ]
            adminTLS.privateKey = .privateKey(
                try NIOSSLPrivateKey(bytes: Array(try admin.key.pemString().utf8), format: .pem))
            let adminClient = TestClient(
                host: "127.0.0.1", port: serverPort,
                configuration: .init(tlsConfiguration: adminTLS, serverName: "localhost"))
            adminClient.connect()
            let secrets = try await adminClient.get("/api/v1/namespaces/kube-system/secrets")
            #expect(secrets.status == .ok)
            #expect(String(buffer: secrets.body ?? ByteBuffer()).contains("bootstrap-token-abcdef"))
            // The second request on the connection takes the remembered certificate: still the admin.
            #expect(try await adminClient.get("/api/v1/namespaces/kube-system/secrets").status == .ok)
            try await adminClient.shutdown()
            // A closed connection is forgotten (when its close completes on the server's event loop).
            for _ in 0..<200 where peer.rememberedConnections > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(peer.rememberedConnections == 0)

            // A client certificate from another CA fails the handshake.
            let otherCA = try TestCluster.makeCA(commonName: "kubernetes", now: cluster.now)
            let foreign = try await cluster.credential(
                commonName: "kubernetes-admin", organizations: ["system:masters"], issuer: otherCA)
            var foreignTLS = anonymousTLS
            foreignTLS.certificateChain = [
                .certificate(
                    try NIOSSLCertificate(
                        bytes: Array(try foreign.certificate.serializeAsPEM().pemString.utf8), format: .pem))
            ]
            foreignTLS.privateKey = .privateKey(
                try NIOSSLPrivateKey(bytes: Array(try foreign.key.pemString().utf8), format: .pem))
            let foreignClient = TestClient(
                host: "127.0.0.1", port: serverPort,
                configuration: .init(tlsConfiguration: foreignTLS, timeout: .seconds(5), serverName: "localhost"))
            foreignClient.connect()
            await #expect(throws: (any Error).self) {
                _ = try await foreignClient.get("/api/v1/namespaces/kube-system/secrets")
            }
            try? await foreignClient.shutdown()
        }
    }
}
