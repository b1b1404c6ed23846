import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKIHealth

/// The seam for a store backend that reports its own health (the etcd store).
@Suite struct StoreHealthTests {
    @Test func unhealthyMembersAndAnExpiredClientCertificateAreFindings() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let check = HealthCheck(
                context: tree.at(TestSupport.start + 400 * TestSupport.day), state: .absent(database: tree.database))
            let health = StoreHealth(
                backend: "etcd",
                endpoints: [
                    .init(name: "https://10.0.0.10:2379", healthy: true, detail: "leader"),
                    .init(name: "https://10.0.0.11:2379", healthy: false, detail: "connection refused"),
                ],
                clientCertificate: tree.context.directory.url("apiserver-etcd-client", "crt"),
                certificateAuthority: tree.context.directory.url("etcd/ca", "crt"))
            let findings = check.storeFindings(health)
            #expect(findings.map(\.severity) == [.error, .critical])
            #expect(findings[0].subject == "etcd https://10.0.0.11:2379")
            #expect(
                findings[1].message.hasPrefix(
                    "\(tree.context.directory.url("apiserver-etcd-client", "crt").path) expired on Jan 01, 2026"))
        }
    }

    @Test func healthyStoreIsOneOkFinding() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let check = HealthCheck(context: tree.context, state: .absent(database: tree.database))
            let health = StoreHealth(
                backend: "etcd", endpoints: [.init(name: "m1", healthy: true, detail: "")],
                clientCertificate: tree.context.directory.url("apiserver-etcd-client", "crt"),
                certificateAuthority: tree.context.directory.url("etcd/ca", "crt"))
            #expect(check.storeFindings(health).map(\.severity) == [.ok])
        }
    }
}
