import ClusterPKIAPI
import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

@testable import ClusterPKIJoin

/// A control-plane join into a cluster whose nodes share an etcd store: the state key arrives with the shared
/// certificates, and the node gets its own client of that store.
@Suite(.serialized) struct ControlPlaneStateKeyTests {
    @Test func theStateKeyIsWritten0600AndTheEtcdStoreClientIsIssued() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stateKey = directory.url.appendingPathComponent("clusterpki-state.key")
        let keyText = String(repeating: "5a", count: 32) + "\n"
        try Data(keyText.utf8).write(to: stateKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: stateKey.path)
        try await LiveJoinEndpoint.run(stateKey: stateKey) { endpoint in
            var request = try endpoint.request(node: "cp-k1", controlPlane: true)
            let written = request.kubernetesDir.appendingPathComponent("pki/clusterpki-state.key")
            request.stateKeyFile = written
            try await JoinClient(request).run()
            #expect(try String(contentsOf: written, encoding: .utf8) == keyText)
            #expect(try TestSupport.mode(written) == 0o600)
            let pki = request.kubernetesDir.appendingPathComponent("pki")
            let client = try #require(
                try PEMCertificates.parse(
                    try String(contentsOf: pki.appendingPathComponent("clusterpki-etcd-client.crt"), encoding: .utf8),
                    path: "clusterpki-etcd-client.crt"
                ).first)
            #expect(client.subject.kubernetesIdentity.commonName == "clusterpki-etcd-client")
        }
    }

    @Test func withoutAStateKeyInTheUploadNothingChanges() async throws {
        try await LiveJoinEndpoint.run { endpoint in
            var request = try endpoint.request(node: "cp-k2", controlPlane: true)
            let target = request.kubernetesDir.appendingPathComponent("pki/clusterpki-state.key")
            request.stateKeyFile = target
            try await JoinClient(request).run()
            #expect(!FileManager.default.fileExists(atPath: target.path))
            #expect(
                !FileManager.default.fileExists(
                    atPath: request.kubernetesDir.appendingPathComponent("pki/clusterpki-etcd-client.crt").path))
        }
    }
}
