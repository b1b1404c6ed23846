import ClusterPKIEtcdStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// A member that accepts connections but never answers (stopped with SIGSTOP, as a member without quorum behaves).
@Suite(.etcdServer, .serialized) struct EtcdUnresponsiveTests {
    @Test func operationsFailWithinTheDeadlineWhenTheMemberHangs() async throws {
        let server = try EtcdTestServer.required()
        let client = try EtcdClient(
            configuration: server.configuration(prefix: "/clusterpki-hang/", deadline: .seconds(1)))
        defer { Task { await client.close() } }
        let store = try await EtcdStateStore(client: client, storeKey: testKey)
        let token = try await store.createToken(TokenRequest(), actor: "t", now: referenceNow)
        kill(server.process.processIdentifier, SIGSTOP)
        defer { kill(server.process.processIdentifier, SIGCONT) }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
            Issue.record("a stopped member answered")
        } catch StoreError.unavailable(let endpoints, let detail) {
            #expect(endpoints == [server.endpoint])
            #expect(detail.contains("deadline"))
        }
        #expect(clock.now - start < .milliseconds(1800))
        kill(server.process.processIdentifier, SIGCONT)
        // Once the member answers again, so does the store.
        #expect(
            try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow).tokenID
                == token.id)
    }
}
