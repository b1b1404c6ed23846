import ClusterPKIEtcdStore
import ClusterPKIStore
import ClusterPKITesting
import EtcdAPI
import Foundation
import Testing

/// The client: failover, deadlines, mTLS, and the prefix it never leaves.
@Suite(.etcdServer) struct EtcdClientTests {
    static let prefix = "/clusterpki-client-tests/"

    @Test func operationsSucceedWhenTheFirstEndpointIsDead() async throws {
        let server = try EtcdTestServer.required()
        let dead = "127.0.0.1:\(try EtcdTestServer.freePort())"
        let client = try EtcdClient(
            configuration: server.configuration(endpoints: [dead, server.endpoint], prefix: Self.prefix))
        defer { Task { await client.close() } }
        let store = try await EtcdStateStore(client: client, storeKey: testKey)
        let token = try await store.createToken(TokenRequest(), actor: "t", now: referenceNow)
        #expect(
            try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow).tokenID
                == token.id)
        let statuses = await client.endpointStatus()
        #expect(statuses.map(\.endpoint) == [dead, server.endpoint])
        #expect(statuses[0].failure != nil && !statuses[0].isHealthy)
        #expect(statuses[1].isHealthy && statuses[1].isLeader && statuses[1].version?.hasPrefix("3.4") == true)
    }

    @Test func allEndpointsDeadFailWithinTheDeadlineNamingThem() async throws {
        let server = try EtcdTestServer.required()
        let dead = ["127.0.0.1:\(try EtcdTestServer.freePort())", "127.0.0.1:\(try EtcdTestServer.freePort())"]
        let client = try EtcdClient(
            configuration: server.configuration(endpoints: dead, prefix: Self.prefix, deadline: .seconds(2)))
        defer { Task { await client.close() } }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await EtcdStateStore(client: client, storeKey: testKey)
            Issue.record("a store opened with every endpoint dead")
        } catch StoreError.unavailable(let endpoints, let detail) {
            #expect(endpoints == dead)
            for endpoint in dead { #expect(detail.contains(endpoint)) }
            #expect(
                StoreError.unavailable(endpoints: endpoints, detail: detail).message.contains("etcdctl endpoint health")
            )
        }
        #expect(clock.now - start < .seconds(4))  // the 2 s deadline, plus slack for a loaded machine
    }

    @Test func aClientWithoutCertificateIsRefusedWithTheTLSCause() async throws {
        let server = try EtcdTestServer.required()
        let client = try EtcdClient(
            configuration: server.configuration(prefix: Self.prefix, deadline: .seconds(20), clientCertificate: false))
        defer { Task { await client.close() } }
        do {
            _ = try await client.get(Self.prefix + "anything")
            Issue.record("etcd with --client-cert-auth answered a client without a certificate")
        } catch StoreError.unavailable(let endpoints, let detail) {
            #expect(endpoints == [server.endpoint])
            // gRPC reports UNAVAILABLE; the TLS alert is in its cause, which the error must carry.
            // e.g. `sslError(... SSLV3_ALERT_BAD_CERTIFICATE ...)`
            #expect(detail.lowercased().contains("certificate"))
        }
    }

    @Test func keysNeverLeaveThePrefix() async throws {
        let server = try EtcdTestServer.required()
        #expect(throws: StoreError.self) { try EtcdClient(configuration: server.configuration(prefix: "/registry/")) }
        #expect(throws: StoreError.self) { try EtcdClient(configuration: server.configuration(prefix: "clusterpki")) }
        let client = try EtcdClient(configuration: server.configuration(prefix: Self.prefix))
        defer { Task { await client.close() } }
        await #expect(throws: StoreError.self) { try await client.range(.init(prefix: "/registry/")) }
        await #expect(throws: StoreError.self) { try await client.range(.init(prefix: "/")) }
        await #expect(throws: StoreError.self) {
            try await client.txn(
                .init(compare: [], success: [.put(Self.prefix + "ok", Data()), .delete("/registry/pods/x")]))
        }
        // What the transaction would have written first is not there either: it was refused before sending.
        #expect(try await client.get(Self.prefix + "ok") == nil)
        // etcdctl, as a real peer, finds no key of this test outside the prefix.
        let all = try server.etcdctl(["get", "", "--prefix", "--keys-only"]).split(separator: "\n").map(String.init)
        #expect(!all.isEmpty && all.allSatisfy { $0.hasPrefix("/clusterpki") })
    }

    @Test func aWatchSeesWritesAndResumesAfterCompaction() async throws {
        let server = try EtcdTestServer.required()
        let prefix = Self.prefix + "watch/"
        let client = try EtcdClient(configuration: server.configuration(prefix: prefix))
        defer { Task { await client.close() } }
        let first = try await client.txn(.init(compare: [], success: [.put(prefix + "a", Data([1]))]))
        _ = try await client.txn(.init(compare: [], success: [.put(prefix + "b", Data([2]))]))
        // Compact past the first write, then watch from it: etcd refuses, the client re-lists.
        _ = try server.etcdctl(["compact", "\(first.header.revision + 1)"])
        var events = client.watch(prefix: prefix, from: first.header.revision).makeAsyncIterator()
        guard case .resync(let kvs, _)? = try await events.next() else {
            Issue.record("expected a resync after compaction")
            return
        }
        #expect(kvs.map(\.keyString) == [prefix + "a", prefix + "b"])
        _ = try await client.txn(.init(compare: [], success: [.put(prefix + "c", Data([3]))]))
        guard case .put(let kv)? = try await events.next() else {
            Issue.record("expected the put of c")
            return
        }
        #expect(kv.keyString == prefix + "c" && kv.version == 1)
    }
}
