import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKITesting
import Crypto
import Foundation
import Testing
import X509

@testable import ClusterPKIJoin

/// `kubelet renew` with a client certificate the server cannot accept (expired, or from a CA it no longer trusts)
/// fails at once, without retrying until --timeout, and says the cause and the fix.
@Suite(.serialized) struct KubeletRenewalRejectionTests {
    static let day: TimeInterval = 86400

    @Test func expiredCertificateFailsAtOnceNamingTheDateAndTheFix() async throws {
        try await LiveJoinEndpoint.run { endpoint in
            let request = try endpoint.request(node: "worker-1")
            try await JoinClient(request).run()
            let pem = request.kubeletDir.appendingPathComponent("pki/kubelet-client-current.pem")
            let issued = try #require(
                try PEMCertificates.parse(try String(contentsOf: pem, encoding: .utf8), path: pem.path).first)
            var renew = KubeletRenewRequest(kubernetesDir: request.kubernetesDir)
            renew.timeout = 60
            let started = Date()
            let error = await #expect(throws: JoinError.self) {
                try await KubeletRenewal(renew).run(now: issued.notValidAfter + Self.day)
            }
            #expect(Date().timeIntervalSince(started) < 20, "it must not retry until --timeout")
            guard case .clientCertificateRejected(let path, let cause, _) = error else {
                Issue.record("expected clientCertificateRejected, got \(String(describing: error))")
                return
            }
            #expect(path == pem.path)
            #expect(cause == .expired(notAfter: issued.notValidAfter))
            let message = error?.message ?? ""
            #expect(message.contains("expired on \(issued.notValidAfter.ISO8601Format())"))
            #expect(message.contains("clusterpki join") && message.contains("clusterpki rotate --kubernetes-dir"))
        }
    }

    @Test func certificateOfAnotherCAFailsAtOnce() async throws {
        try await LiveJoinEndpoint.run { endpoint in
            let request = try endpoint.request(node: "worker-2")
            try await JoinClient(request).run()
            // The node's certificate now comes from a CA the cluster never trusted.
            let foreign = try TestCluster.makeCA(commonName: "other", now: Date())
            let key = PrivateKeyMaterial.p256(P256.Signing.PrivateKey())
            let certificate = try foreign.sign(
                IssuanceRequest(
                    commonName: "system:node:worker-2", organizations: ["system:nodes"],
                    keyUsage: KeyUsage(digitalSignature: true),
                    extendedKeyUsages: [.clientAuth], notBefore: Date() - 60, notAfter: Date() + Self.day),
                publicKey: key.publicKey)
            let pem = request.kubeletDir.appendingPathComponent("pki/kubelet-client-current.pem")
            try (try PEMCertificates.encode([certificate]) + (try key.pemString())).write(
                to: pem, atomically: true, encoding: .utf8)
            var renew = KubeletRenewRequest(kubernetesDir: request.kubernetesDir)
            renew.timeout = 60
            let error = await #expect(throws: JoinError.self) { try await KubeletRenewal(renew).run() }
            guard case .clientCertificateRejected(_, let cause, _) = error else {
                Issue.record("expected clientCertificateRejected, got \(String(describing: error))")
                return
            }
            #expect(cause == .foreignAuthority)
            #expect(error?.message.contains("signed by a CA the server no longer trusts") == true)
        }
    }

    @Test func serverAlertsAreRecognised() {
        struct FakeTLSError: Error, CustomStringConvertible {
            let description: String
        }
        let expired = FakeTLSError(
            description:
                "handshakeFailed(... error:10000415:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED)")
        #expect(ClientCertificateRejection.fromTLSError(expired) == .refusedByServer(alert: "certificate expired"))
        let unknownCA = FakeTLSError(description: "error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA")
        #expect(ClientCertificateRejection.fromTLSError(unknownCA) == .refusedByServer(alert: "unknown ca"))
        #expect(ClientCertificateRejection.fromTLSError(FakeTLSError(description: "connection refused")) == nil)
    }
}
