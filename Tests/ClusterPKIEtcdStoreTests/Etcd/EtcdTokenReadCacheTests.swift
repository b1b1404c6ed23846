import ClusterPKIStore
import ClusterPKITesting
import EtcdAPI
import Foundation
import Testing

@testable import ClusterPKIEtcdStore

/// A replica's watched copy of the tokens answers the read-only check only while it is current, only with plain
/// successes, and never for a token whose deletion has returned.
@Suite(.etcdServer) struct EtcdTokenReadCacheTests {
    /// A replica with its copy maintained, once the copy has answered a check for `token`.
    private func warmReplica(_ fixture: StoreFixture, token: String) async throws -> (EtcdStateStore, Task<Void, Never>)
    {
        let replica = try await EtcdStateStore(client: try fixture.etcdClient(), storeKey: testKey)
        let task = Task { await replica.maintainTokenReadCache() }
        try await answeredFromTheCopy(replica, token: token)
        return (replica, task)
    }

    /// Checks `token` until the copy answers it (a probe that finds the copy current can be late on a loaded machine).
    private func answeredFromTheCopy(_ replica: EtcdStateStore, token: String) async throws {
        let before = replica.readCache.hits
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while replica.readCache.hits == before, ContinuousClock.now < deadline {
            #expect(try await replica.authenticateReadOnly(token, client: "10.2.0.1", now: Date()) != nil)
            if replica.readCache.hits == before { try await Task.sleep(for: .milliseconds(50)) }
        }
        try #require(replica.readCache.hits == before + 1, "the copy never answered")
    }

    @Test func aCurrentCopyAnswersOnlyPlainSuccesses() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let plain = try await fixture.store.createToken(TokenRequest(), actor: "t", now: Date())
            let limited = try await fixture.store.createToken(TokenRequest(maxUses: 3), actor: "t", now: Date())
            let (replica, task) = try await warmReplica(fixture, token: plain.token.token)
            defer { task.cancel() }
            let identity = try #require(
                try await replica.authenticateReadOnly(plain.token.token, client: "10.2.0.2", now: Date()))
            #expect(identity.tokenID == plain.id && identity.usesLeft == nil)
            // A use limit, a wrong secret, an unknown id: not answered from the copy (and not successes at all), each
            // asked right after the copy answered, so while it is current.
            let wrong = plain.id + ".0000000000000000"
            for presented in [limited.token.token, wrong, "zzzzzz.0123456789abcdef"] {
                try await answeredFromTheCopy(replica, token: plain.token.token)
                let hits = replica.readCache.hits
                #expect(try await replica.authenticateReadOnly(presented, client: "10.2.0.3", now: Date()) == nil)
                #expect(replica.readCache.hits == hits)
            }
            // An expired token is refused although the copy holds it (the stored expiry decides).
            #expect(
                try await replica.authenticateReadOnly(
                    plain.token.token, client: "10.2.0.2", now: Date().addingTimeInterval(86_400 * 2)) == nil)
        }
    }

    @Test func aTokenWhoseDeletionReturnedIsRefusedByAReplicaWithACurrentCopy() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let token = try await fixture.store.createToken(TokenRequest(), actor: "t", now: Date())
            let (replica, task) = try await warmReplica(fixture, token: token.token.token)
            defer { task.cancel() }
            let started = ContinuousClock.now
            try await fixture.store.deleteToken(id: token.id, actor: "t", now: Date())
            // The delete waited out every copy's validity before returning.
            #expect(ContinuousClock.now - started >= TokenReadCache.deletionBarrier)
            #expect(try await replica.authenticateReadOnly(token.token.token, client: "10.2.0.4", now: Date()) == nil)
            await #expect(throws: StoreError.tokenNotFound(id: token.id)) {
                _ = try await replica.authenticate(token.token.token, client: "10.2.0.4", policy: .default, now: Date())
            }
        }
    }

    @Test func aTokenCreatedThroughAnotherReplicaAuthenticatesAtOnce() async throws {
        try await StoreFixture.with(.etcd) { fixture in
            let first = try await fixture.store.createToken(TokenRequest(), actor: "t", now: Date())
            let (replica, task) = try await warmReplica(fixture, token: first.token.token)
            defer { task.cancel() }
            for _ in 0..<20 {
                let token = try await fixture.store.createToken(TokenRequest(), actor: "t", now: Date())
                // Not in the copy yet, or already: either way a success, read from etcd when the copy lacks it.
                #expect(
                    try await replica.authenticateReadOnly(token.token.token, client: "10.2.0.5", now: Date()) != nil)
            }
        }
    }

    @Test func aCopyAnswersForAtMostItsValidityAfterTheProbeThatFoundItCurrent() throws {
        let cache = TokenReadCache(prefixes: ["/p/tokens/"])
        var kv = Mvccpb_KeyValue()
        kv.key = Data("/p/tokens/abcdef".utf8)
        kv.modRevision = 5
        cache.replace(prefix: "/p/tokens/", with: [kv])
        #expect(cache.lookup(["/p/tokens/abcdef"]) == nil, "never probed: not current")
        cache.markFresh(issuedAt: ContinuousClock.now - .milliseconds(900))
        #expect(cache.lookup(["/p/tokens/abcdef", "/p/tokens/other"])?.map { $0 != nil } == [true, false])
        cache.invalidate()
        cache.markFresh(issuedAt: ContinuousClock.now - TokenReadCache.validity - .milliseconds(1))
        #expect(cache.lookup(["/p/tokens/abcdef"]) == nil, "probed longer ago than the validity")
        #expect(TokenReadCache.deletionBarrier > TokenReadCache.validity + .milliseconds(250))
        var deleted = kv
        deleted.modRevision = 7
        cache.apply(prefix: "/p/tokens/", .delete(deleted))
        #expect(cache.revisions() == [[:]])
    }
}
