import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import Testing
import X509

@testable import ClusterPKIJoin

/// `clusterpki join` against the real endpoint over TLS: what a join writes, records and refuses.
@Suite(.serialized) struct JoinClientTests {
    static func certificates(_ url: URL) throws -> [Certificate] {
        try PEMCertificates.parse(try String(contentsOf: url, encoding: .utf8), path: url.path)
    }

    @Test func aWorkerJoinWritesKubeletConfAndThePEMAndRecordsTheNode() async throws {
        try await LiveJoinEndpoint.run { endpoint in
            var request = try endpoint.request(node: "worker-1")
            request.nodeIPs = ["127.0.0.11"]
            let progress = ProgressLines()
            try await JoinClient(request).run(progress: progress.append)

            let pem = request.kubeletDir.appendingPathComponent("pki/kubelet-client-current.pem")
            let certificate = try #require(try Self.certificates(pem).first)
            #expect(certificate.subject.kubernetesIdentity.commonName == "system:node:worker-1")
            #expect(certificate.subject.kubernetesIdentity.organizations == ["system:nodes"])
            #expect(endpoint.cluster.authority.issued(certificate))
            let key = try PrivateKeyMaterial(
                pemEncoded: NodeConfig.privateKeyBlock(try TestSupport.read(pem)), path: pem.path)
            #expect(key.publicKey == certificate.publicKey)
            #expect(try TestSupport.mode(pem) == 0o600)

            let kubeletConf = request.kubernetesDir.appendingPathComponent("kubelet.conf")
            #expect(try TestSupport.mode(kubeletConf) == 0o600)
            let document = try #require(try KubeconfigDocument.load(kubeletConf))
            #expect(document.server == "https://\(endpoint.server)")
            #expect(document.userName == "system:node:worker-1")
            #expect(
                try document.pem(.certificateAuthorityData) == String(decoding: endpoint.cluster.caPEM, as: UTF8.self))
            #expect(try TestSupport.read(kubeletConf).contains("client-certificate: \(pem.path)"))

            let node = try #require(try await endpoint.cluster.store.node(named: "worker-1"))
            #expect(node.addresses == ["127.0.0.1", "127.0.0.11"])
            let row = try #require(
                try await endpoint.cluster.store.credentials().first { $0.serial == certificate.serialHex })
            #expect(row.commonName == "system:node:worker-1")
            #expect(progress.all.contains { $0.hasPrefix("[discovery] Cluster info signature and contents are valid") })
            #expect(progress.all.contains("This node has joined the cluster:"))
            #expect(
                !FileManager.default.fileExists(atPath: request.kubernetesDir.appendingPathComponent("admin.conf").path)
            )
        }
    }

    @Test func aWrongCACertHashFailsWithThePinMessageAndWritesNothing() async throws {
        try await LiveJoinEndpoint.run { endpoint in
            var request = try endpoint.request(node: "bad-1")
            request.caCertHashes = ["sha256:" + String(repeating: "0", count: 64)]
            await #expect { try await JoinClient(request).run() } throws: { error in
                guard case JoinError.pinMismatch = error else { return false }
                return "\(error)".contains("none of the public keys") && "\(error)".contains("are pinned")
            }
            #expect(!FileManager.default.fileExists(atPath: endpoint.nodeRoot("bad-1").path))
        }
    }

    @Test func aTokenIDAbsentFromClusterInfoFailsWithKubeadmsMessage() async throws {
        try await LiveJoinEndpoint.run { endpoint in
            var request = try endpoint.request(node: "bad-2", token: "zzzzzz.0123456789abcdef")
            request.timeout = 2
            await #expect(throws: JoinError.tokenNotValidForCluster(id: "zzzzzz")) {
                try await JoinClient(request).run()
            }
            #expect(
                JoinError.tokenNotValidForCluster(id: "zzzzzz").message
                    == "token id \"zzzzzz\" is invalid for this cluster or it has expired. Use \"clusterpki token create\" on the control-plane node to create a new valid token"
            )
            #expect(!FileManager.default.fileExists(atPath: endpoint.nodeRoot("bad-2").path))
        }
    }

    @Test func aDeniedCSRFailsWithTheReason() async throws {
        var policy = try TestSupport.policy("kubeadm")
        var server = policy.serverPolicy
        server.certificateSigningRequests.nodeClientApprovalGroups = []  // the token may post a CSR, not get it approved
        policy.server = server
        try await LiveJoinEndpoint.run(policy: policy) { endpoint in
            let request = try endpoint.request(node: "worker-2")
            await #expect { try await JoinClient(request).run() } throws: { error in
                guard case JoinError.csrDenied(let reason, let message) = error else { return false }
                return reason == "NotAuthorized"
                    && message.contains("is not in a group allowed to get kubelet client certificates")
                    && "\(error)".hasPrefix("the certificate signing request was denied (NotAuthorized)")
            }
            #expect(
                !FileManager.default.fileExists(
                    atPath: request.kubernetesDir.appendingPathComponent("kubelet.conf").path))
            #expect(!FileManager.default.fileExists(atPath: request.kubeletDir.path))
        }
    }
}
