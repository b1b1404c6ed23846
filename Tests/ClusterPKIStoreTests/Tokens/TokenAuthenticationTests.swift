import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
@testable import ClusterPKISQLiteStore

@Suite struct TokenAuthenticationTests {
    let policy = TokenAuthPolicy(maxFailures: 3, window: 60, backoff: 300)

    @Test func authenticatesAsTheBootstrapUser() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let token = try await store.createToken(
            TokenRequest(groups: ["system:bootstrappers:kubeadm:default-node-token", "system:bootstrappers:a"]),
            actor: "alice", now: referenceNow)
        let identity = try await store.authenticate(token.token.token, client: "10.0.0.7", policy: policy, now: referenceNow)
        #expect(identity.username == "system:bootstrap:\(token.id)")
        #expect(identity.groups == ["system:bootstrappers", "system:bootstrappers:a", "system:bootstrappers:kubeadm:default-node-token"])
        #expect(identity.usesLeft == nil)
    }

    @Test func rejectsWrongSecretExpiredAndSigningOnlyTokens() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let token = try await store.createToken(TokenRequest(ttl: 60), actor: "a", now: referenceNow)
        let signingOnly = try await store.createToken(TokenRequest(usages: [.signing], groups: []), actor: "a", now: referenceNow)
        let wrong = "\(token.id).\(String(repeating: "0", count: 16))"
        await #expect(throws: StoreError.tokenSecretMismatch(id: token.id)) {
            try await store.authenticate(wrong, client: "c1", policy: .default, now: referenceNow)
        }
        await #expect(throws: StoreError.tokenNotForAuthentication(id: signingOnly.id)) {
            try await store.authenticate(signingOnly.token.token, client: "c2", policy: .default, now: referenceNow)
        }
        await #expect(throws: StoreError.tokenNotFound(id: token.id)) {
            try await store.authenticate(token.token.token, client: "c3", policy: .default, now: referenceNow.addingTimeInterval(60))
        }
        await #expect(throws: StoreError.malformedToken("abcdef.<redacted>")) {
            try await store.authenticate("abcdef.ABCDEF0123456789", client: "c4", policy: .default, now: referenceNow)
        }
    }

    @Test func maxUsesAreConsumedOneByOne() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let token = try await store.createToken(TokenRequest(maxUses: 2), actor: "a", now: referenceNow)
        #expect(try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow).usesLeft == 1)
        #expect(try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow).usesLeft == 0)
        await #expect(throws: StoreError.tokenExpired(id: token.id)) {
            try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
        }
        #expect(try await store.token(id: token.id, now: referenceNow)?.usesLeft == 0)
        #expect(throws: StoreError.invalidMaxUses(0)) { try TokenRequest(maxUses: 0).validate() }
    }

    @Test func failuresLockOutTheTokenAndTheClientUntilTheBackoffEnds() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let token = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
        let wrong = "\(token.id).\(String(repeating: "z", count: 16))"
        for second in 0..<3 {
            await #expect(throws: StoreError.tokenSecretMismatch(id: token.id)) {
                try await store.authenticate(wrong, client: "attacker", policy: policy, now: referenceNow.addingTimeInterval(Double(second)))
            }
        }
        // Locked: even the right secret is refused, from the attacker and from anyone else for this token id.
        let t = referenceNow.addingTimeInterval(10)
        await #expect(throws: StoreError.tooManyAttempts(retryAfter: 292)) {
            try await store.authenticate(token.token.token, client: "attacker", policy: policy, now: t)
        }
        await #expect(throws: StoreError.tooManyAttempts(retryAfter: 292)) {
            try await store.authenticate(token.token.token, client: "honest", policy: policy, now: t)
        }
        // The client is locked for other tokens too.
        let other = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
        await #expect(throws: StoreError.tooManyAttempts(retryAfter: 292)) {
            try await store.authenticate(other.token.token, client: "attacker", policy: policy, now: t)
        }
        #expect(try await store.authenticate(other.token.token, client: "honest", policy: policy, now: t).tokenID == other.id)
        // After the back-off, the right secret works again.
        let later = referenceNow.addingTimeInterval(2 + 300)
        #expect(try await store.authenticate(token.token.token, client: "attacker", policy: policy, now: later).tokenID == token.id)
        #expect(StoreError.tooManyAttempts(retryAfter: 292).message.contains("retry after 292s"))
    }

    @Test func failuresOutsideTheWindowDoNotAccumulate() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let token = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
        let wrong = "\(token.id).\(String(repeating: "z", count: 16))"
        for minute in 0..<6 {
            let now = referenceNow.addingTimeInterval(Double(minute) * 61)
            await #expect(throws: StoreError.tokenSecretMismatch(id: token.id)) {
                try await store.authenticate(wrong, client: "slow", policy: policy, now: now)
            }
        }
        _ = try await store.authenticate(token.token.token, client: "slow", policy: policy, now: referenceNow.addingTimeInterval(400))
        // Stale counters are swept with the tokens.
        _ = try await store.sweepExpired(now: referenceNow.addingTimeInterval(10_000))
        #expect(try rawCount(store.path, "SELECT count(*) FROM authFailure") == 0)
    }

    @Test func everyOperationIsAuditedWithoutTheSecret() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let token = try await store.createToken(TokenRequest(), actor: "alice", now: referenceNow)
        _ = try await store.authenticate(token.token.token, client: "10.0.0.1", policy: policy, now: referenceNow)
        _ = try? await store.authenticate("\(token.id).zzzzzzzzzzzzzzzz", client: "10.0.0.2", policy: policy, now: referenceNow)
        try await store.deleteToken(id: token.id, actor: "bob", now: referenceNow.addingTimeInterval(5))
        let events = try await store.auditEvents(limit: nil)
        #expect(events.map(\.action) == [.tokenCreated, .authenticated, .authenticationFailed, .tokenDeleted])
        #expect(events.map(\.actor) == ["alice", "10.0.0.1", "10.0.0.2", "bob"])
        #expect(events.allSatisfy { $0.tokenID == token.id })
        #expect(events.last?.time == referenceNow.addingTimeInterval(5))
        for event in events {
            #expect(!event.detail.contains(token.token.secret))
            #expect(!event.detail.contains("zzzzzzzzzzzzzzzz"))
        }
        #expect(try await store.auditEvents(limit: 1).map(\.action) == [.tokenDeleted])
    }
}
