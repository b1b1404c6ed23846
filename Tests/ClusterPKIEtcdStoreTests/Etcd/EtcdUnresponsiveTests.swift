import ClusterPKIEtcdStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// A member that accepts connections but never answers (stopped with SIGSTOP, as a member without quorum behaves).
@Suite(.etcdServer, .serialized) struct EtcdUnresponsiveTests {
    @Test func operationsFailWithinTheDeadlineWhenTheMemberHangs() async throws {
        let server = try EtcdTestServer.required()
        let prefix = "/clusterpki-hang/"
        // Set up with a patient client: a loaded test machine must not fail the setup.
        let patient = try EtcdClient(configuration: server.configuration(prefix: prefix, deadline: .seconds(15)))
        let impatient = try EtcdClient(configuration: server.configuration(prefix: prefix, deadline: .seconds(2)))
        defer { Task { await patient.close() } }
        defer { Task { await impatient.close() } }
        let store = try await EtcdStateStore(client: patient, storeKey: testKey)
        let token = try await store.createToken(TokenRequest(), actor: "t", now: referenceNow)
        let hanging = try await EtcdStateStore(client: impatient, storeKey: testKey)

        kill(server.process.processIdentifier, SIGSTOP)
        defer { kill(server.process.processIdentifier, SIGCONT) }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await hanging.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
            Issue.record("a stopped member answered")
        } catch StoreError.unavailable(let endpoints, let detail) {
            #expect(endpoints == [server.endpoint])
            #expect(detail.contains("deadline"))
        }
        // The 2 s deadline, plus slack for a loaded machine; without a deadline the call would hang until SIGCONT.
        #expect(clock.now - start < .seconds(4))
        kill(server.process.processIdentifier, SIGCONT)
        // Once the member answers again, so does the store.
        let identity = try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
        #expect(identity.tokenID == token.id)
    }
}
