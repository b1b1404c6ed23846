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

/// `clusterpki join --control-plane`: the shared files, the node's own tree and kubeconfigs, and a ledger that lists
/// every client certificate the new node minted (issue 11 item 7).
@Suite(.serialized) struct ControlPlaneJoinTests {
    static let kubeconfigs = [
        "admin.conf": "kubernetes-admin", "controller-manager.conf": "system:kube-controller-manager",
        "scheduler.conf": "system:kube-scheduler",
    ]
    /// admin.conf points at the control-plane endpoint (the joined server), the others at this node's own API server.
    static func expectedServer(_ file: String, endpoint: LiveJoinEndpoint) -> String {
        file == "admin.conf" ? "https://\(endpoint.server)" : "https://127.0.0.2:6443"
    }

    @Test func aControlPlaneJoinWritesItsTreeAndTheLedgerListsEveryClientCertificateItMinted() async throws {
        try await LiveJoinEndpoint.run { endpoint in
            let request = try endpoint.request(node: "cp-2", controlPlane: true)
            let progress = ProgressLines()
            try await JoinClient(request).run(progress: progress.append)
            let primary = endpoint.cluster.tree.directory
            let joined = request.kubernetesDir.appendingPathComponent("pki")

            for file in [
                "ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.key", "sa.pub", "etcd/ca.crt",
                "etcd/ca.key",
            ] {
                #expect(
                    try Data(contentsOf: joined.appendingPathComponent(file))
                        == Data(contentsOf: primary.root.appendingPathComponent(file)),
                    "\(file) is the shared one")
            }
            let apiserver = try TestSupport.certificate(joined.appendingPathComponent("apiserver.crt"))
            #expect(endpoint.cluster.authority.issued(apiserver))
            #expect(apiserver.ipSANs.contains("127.0.0.2"), "its own advertise address")
            #expect(
                !FileManager.default.fileExists(
                    atPath: request.kubernetesDir.appendingPathComponent("super-admin.conf").path))

            let ledger = try await endpoint.cluster.store.credentials()
            for (file, commonName) in Self.kubeconfigs {
                let document = try #require(
                    try KubeconfigDocument.load(request.kubernetesDir.appendingPathComponent(file)), "\(file)")
                #expect(document.server == Self.expectedServer(file, endpoint: endpoint), "\(file)")
                let certificate = try document.clientCertificate()
                #expect(certificate.subject.kubernetesIdentity.commonName == commonName)
                let row = try #require(
                    ledger.first { $0.serial == certificate.serialHex }, "\(file)'s certificate is in the ledger")
                #expect(row.commonName == commonName)
                #expect(row.organizations == certificate.subject.kubernetesIdentity.organizations)
                #expect(row.actor == "system:bootstrap:abcdef@127.0.0.1")
                #expect(
                    progress.all.contains {
                        $0.contains(
                            "Recorded the client certificate of \"\(commonName)\" (serial \(certificate.serialHex))")
                    })
            }
            let kubelet = try #require(
                try PEMCertificates.parse(
                    try TestSupport.read(request.kubeletDir.appendingPathComponent("pki/kubelet-client-current.pem")),
                    path: "kubelet"
                ).first)
            #expect(ledger.contains { $0.serial == kubelet.serialHex && $0.commonName == "system:node:cp-2" })
        }
    }

    @Test func aReportTheServerRefusesLeavesNoKubeconfigWritten() async throws {
        let refuse: @Sendable (Request) -> Response? = { request in
            guard request.method == .post, request.uri.path == APIPaths.issuedCredentials else { return nil }
            let status = KubernetesStatus.forbidden(
                user: "system:bootstrap:abcdef", verb: "create", resource: "issuedcredentials",
                group: APIPaths.clusterPKIGroup)
            return Response(
                status: .forbidden, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: status.body)))
        }
        try await LiveJoinEndpoint.run(intercept: refuse) { endpoint in
            let request = try endpoint.request(node: "cp-3", controlPlane: true)
            await #expect { try await JoinClient(request).run() } throws: { error in
                guard case JoinError.credentialNotRecorded(let commonName, let status, let message) = error else {
                    return false
                }
                return status == 403 && Self.kubeconfigs.values.contains(commonName)
                    && message.contains("cannot create resource \"issuedcredentials\"")
                    && "\(error)".contains("no kubeconfig file was written")
                    && "\(error)".contains("server.certsDownload.groups")
            }
            for file in Array(Self.kubeconfigs.keys) + ["kubelet.conf"] {
                #expect(
                    !FileManager.default.fileExists(atPath: request.kubernetesDir.appendingPathComponent(file).path),
                    "\(file)")
            }
            let ledger = try await endpoint.cluster.store.credentials()
            #expect(
                !ledger.contains {
                    Self.kubeconfigs.values.contains($0.commonName) || $0.commonName == "system:node:cp-3"
                })
        }
    }
}
