import ClusterPKIEtcdStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// The etcd store answers the health seam: each member's status and the client certificate it connects with.
@Suite(.etcdServer) struct EtcdStoreHealthTests {
    @Test func reportsEachMemberAndItsClientCertificate() async throws {
        let server = try EtcdTestServer.required()
        let dead = "127.0.0.1:\(try EtcdTestServer.freePort())"
        let configuration = server.configuration(
            endpoints: [server.endpoint, dead], prefix: "/clusterpki-health-tests/")
        let client = try EtcdClient(configuration: configuration)
        defer { Task { await client.close() } }
        let store = try await EtcdStateStore(client: client, storeKey: testKey)
        let health = await (store as any StoreHealthReporting).storeHealth(now: referenceNow)
        #expect(health.backend == "etcd")
        #expect(health.endpoints.map(\.name) == [server.endpoint, dead])
        #expect(health.endpoints.map(\.healthy) == [true, false])
        #expect(health.endpoints[0].detail.hasPrefix("healthy, leader, etcd 3.4"))
        #expect(health.endpoints[1].detail.hasPrefix("unreachable: "))
        #expect(health.clientCertificate?.path == configuration.certFile)
        #expect(health.certificateAuthority?.path == configuration.caFile)
    }
}
