import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIServer
import ClusterPKITesting
import Foundation
import Hummingbird
import Logging
import NIOSSL
import Testing

@testable import ClusterPKIJoin

/// `clusterpki join S1 S2 ...`: a server that does not answer, or answers 5xx, is left for the next one, as a joiner
/// behind a load balancer would experience; the pinned CA still guards whichever server answers.
@Suite(.serialized) struct JoinFailoverTests {
    /// A port on 127.0.0.1 nobody listens on (connection refused).
    static func deadServer() throws -> String { "127.0.0.1:\(try EtcdTestServer.freePort())" }

    @Test func aDeadFirstServerIsSkippedForDiscoveryAndEveryLaterRequest() async throws {
        try await LiveJoinEndpoint.run { endpoint in
            var request = try endpoint.request(node: "worker-f1")
            request.server = "\(try Self.deadServer()),\(endpoint.server)"
            let progress = ProgressLines()
            try await JoinClient(request).run(progress: progress.append)
            #expect(progress.all.contains { $0.hasSuffix("will use API Server \"\(endpoint.server)\"") })
            #expect(progress.all.contains("This node has joined the cluster:"))
            #expect(try await endpoint.cluster.store.node(named: "worker-f1") != nil)
        }
    }

    @Test func aServerAnswering503IsSkipped() async throws {
        try await LiveJoinEndpoint.run(failingReplica: true) { endpoint in
            let failing = "127.0.0.1:\(try #require(endpoint.failingPort))"
            var request = try endpoint.request(node: "cp-f2", controlPlane: true)
            request.server = "\(failing),\(try Self.deadServer()),\(endpoint.server)"
            try await JoinClient(request).run()
            // A control-plane join: discovery, the shared certificates, the recorded kubeconfigs and the CSR all
            // went to the one server that answers.
            let pki = request.kubernetesDir.appendingPathComponent("pki")
            #expect(try Data(contentsOf: pki.appendingPathComponent("ca.crt")) == endpoint.cluster.caPEM)
            #expect(try await endpoint.cluster.store.node(named: "cp-f2") != nil)
            let names = try await endpoint.cluster.store.credentials().map(\.commonName)
            #expect(names.contains("kubernetes-admin") && names.contains("system:node:cp-f2"))
        }
    }

    @Test func everyServerTriedIsNamedWhenNoneAnswers() async throws {
        let dead = [try Self.deadServer(), try Self.deadServer()]
        let request = JoinRequest(
            server: dead.joined(separator: ","), token: "abcdef.0123456789abcdef",
            caCertHashes: ["sha256:" + String(repeating: "0", count: 64)],
            kubernetesDir: URL(fileURLWithPath: "/nonexistent/etc"),
            kubeletDir: URL(fileURLWithPath: "/nonexistent/kubelet"),
            policy: TestSupport.policyURL("kubeadm").path)
        var short = request
        short.timeout = 1
        await #expect { try await JoinClient(short).run() } throws: { error in
            guard case JoinError.timeout(let step, let last) = error else { return false }
            return step == "discovery" && dead.allSatisfy { last.contains($0) }
        }
    }

    /// Trust is per client, not per server: a server whose certificate does not chain to the pinned CA fails TLS and
    /// is skipped like a dead one; the answer comes from the server the pin vouches for.
    @Test func thePinnedCAGuardsEveryServer() async throws {
        try await LiveJoinEndpoint.run { genuine in
            try await LiveJoinEndpoint.run { other in
                let roots = [try NIOSSLCertificateBridge.certificate(genuine.cluster.authority.certificate)]
                let client = try APIClient.make(
                    server: "\(other.server),\(genuine.server)", trust: .pinned(roots), bearerToken: nil)
                defer { Task { await client.shutdown() } }
                let response = try await client.send(.GET, "/version")
                #expect(response.status == 200)
                #expect(response.server == "https://\(genuine.server)")
                // The next request goes straight to the server that answered.
                #expect(client.failover.order(2) == [1, 0])
            }
        }
    }

    @Test func serverListsAreSplitOnCommas() {
        #expect(APIClient.servers("a:1, b:2,,c:3") == ["a:1", "b:2", "c:3"])
        #expect(APIClient.servers("a:1") == ["a:1"])
        let request = JoinRequest(
            server: "https://10.0.0.1:9443,10.0.0.2:9443", token: "t", caCertHashes: [],
            kubernetesDir: URL(fileURLWithPath: "/k"), kubeletDir: URL(fileURLWithPath: "/l"))
        #expect(request.serverHostPort == "10.0.0.1:9443")
    }
}
