import ClusterPKIAPI
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// TokenAuthenticationTests and ConcurrencyTests, run against both backends.
@Suite(.etcdServer) struct AuthenticationConformanceTests {
    let policy = TokenAuthPolicy(maxFailures: 3, window: 60, backoff: 300)

    @Test(arguments: Backend.allCases)
    func authenticatesAsTheBootstrapUser(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let token = try await fixture.store.createToken(
                TokenRequest(groups: ["system:bootstrappers:kubeadm:default-node-token", "system:bootstrappers:a"]),
                actor: "alice", now: referenceNow)
            let identity = try await fixture.store.authenticate(
                token.token.token, client: "10.0.0.7", policy: policy, now: referenceNow)
            #expect(identity.username == "system:bootstrap:\(token.id)")
            #expect(
                identity.groups == [
                    "system:bootstrappers", "system:bootstrappers:a", "system:bootstrappers:kubeadm:default-node-token",
                ])
            #expect(identity.usesLeft == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func rejectsWrongSecretExpiredAndSigningOnlyTokens(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let token = try await store.createToken(TokenRequest(ttl: 60), actor: "a", now: referenceNow)
            let signingOnly = try await store.createToken(
                TokenRequest(usages: [.signing], groups: []), actor: "a", now: referenceNow)
            await #expect(throws: StoreError.tokenSecretMismatch(id: token.id)) {
                try await store.authenticate(
                    "\(token.id).\(String(repeating: "0", count: 16))", client: "c1", policy: .default,
                    now: referenceNow)
            }
            await #expect(throws: StoreError.tokenNotForAuthentication(id: signingOnly.id)) {
                try await store.authenticate(signingOnly.token.token, client: "c2", policy: .default, now: referenceNow)
            }
            await #expect(throws: StoreError.tokenNotFound(id: token.id)) {
                try await store.authenticate(
                    token.token.token, client: "c3", policy: .default, now: referenceNow.addingTimeInterval(60))
            }
            await #expect(throws: StoreError.malformedToken("abcdef.<redacted>")) {
                try await store.authenticate(
                    "abcdef.ABCDEF0123456789", client: "c4", policy: .default, now: referenceNow)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func maxUsesAreConsumedOneByOne(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let token = try await store.createToken(TokenRequest(maxUses: 2), actor: "a", now: referenceNow)
            #expect(
                try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
                    .usesLeft == 1)
            #expect(
                try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
                    .usesLeft == 0)
            await #expect(throws: StoreError.tokenExpired(id: token.id)) {
                try await store.authenticate(token.token.token, client: "c", policy: .default, now: referenceNow)
            }
            #expect(try await store.token(id: token.id, now: referenceNow)?.usesLeft == 0)
            #expect(throws: StoreError.invalidMaxUses(0)) { try TokenRequest(maxUses: 0).validate() }
        }
    }

    @Test(arguments: Backend.allCases)
    func failuresLockOutTheTokenAndTheClientUntilTheBackoffEnds(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let token = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
            let wrong = "\(token.id).\(String(repeating: "z", count: 16))"
            for second in 0..<3 {
                await #expect(throws: StoreError.tokenSecretMismatch(id: token.id)) {
                    try await store.authenticate(
                        wrong, client: "attacker", policy: policy, now: referenceNow.addingTimeInterval(Double(second)))
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
            // The client is locked for other tokens too; another client is not.
            let other = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
            await #expect(throws: StoreError.tooManyAttempts(retryAfter: 292)) {
                try await store.authenticate(other.token.token, client: "attacker", policy: policy, now: t)
            }
            #expect(
                try await store.authenticate(other.token.token, client: "honest", policy: policy, now: t).tokenID
                    == other.id)
            // After the back-off, the right secret works again.
            let later = referenceNow.addingTimeInterval(2 + 300)
            #expect(
                try await store.authenticate(token.token.token, client: "attacker", policy: policy, now: later).tokenID
                    == token.id)
            #expect(StoreError.tooManyAttempts(retryAfter: 292).message.contains("retry after 292s"))
        }
    }

    @Test(arguments: Backend.allCases)
    func lockOutIsSharedByEveryProcessOnTheStore(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let token = try await fixture.store.createToken(TokenRequest(), actor: "a", now: referenceNow)
            let wrong = "\(token.id).\(String(repeating: "z", count: 16))"
            // This store has just seen the token succeed: what it remembers must not outlive the lock-out.
            _ = try await fixture.store.authenticate(
                token.token.token, client: "honest", policy: policy, now: referenceNow)
            // Three failures through three different stores (replicas) add up to one lock-out.
            for second in 0..<3 {
                let replica = try await fixture.openAnother()
                _ = try? await replica.authenticate(
                    wrong, client: "attacker-\(second)", policy: policy,
                    now: referenceNow.addingTimeInterval(Double(second)))
            }
            await #expect(throws: StoreError.tooManyAttempts(retryAfter: 292)) {
                try await fixture.store.authenticate(
                    token.token.token, client: "honest", policy: policy, now: referenceNow.addingTimeInterval(10))
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func whatOneProcessSawNeverOutlivesChangesMadeByAnother(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let other = try await fixture.openAnother()
            let first = try BootstrapTokenString(parsing: "abcdef.0123456789abcdef")
            _ = try await store.createToken(TokenRequest(token: first, maxUses: 3), actor: "a", now: referenceNow)
            #expect(
                try await store.authenticate(first.token, client: "c", policy: .default, now: referenceNow).usesLeft
                    == 2)
            // Uses consumed elsewhere count here.
            _ = try await other.authenticate(first.token, client: "c", policy: .default, now: referenceNow)
            _ = try await other.authenticate(first.token, client: "c", policy: .default, now: referenceNow)
            await #expect(throws: StoreError.tokenExpired(id: "abcdef")) {
                try await store.authenticate(first.token, client: "c", policy: .default, now: referenceNow)
            }
            // Deleted elsewhere: refused here.
            try await other.deleteToken(id: "abcdef", actor: "a", now: referenceNow)
            await #expect(throws: StoreError.tokenNotFound(id: "abcdef")) {
                try await store.authenticate(first.token, client: "c", policy: .default, now: referenceNow)
            }
            // Re-created elsewhere with another secret: the new secret works here, the old one does not.
            let second = try BootstrapTokenString(parsing: "abcdef.fedcba9876543210")
            _ = try await other.createToken(TokenRequest(token: second), actor: "a", now: referenceNow)
            #expect(
                try await store.authenticate(second.token, client: "d", policy: .default, now: referenceNow).usesLeft
                    == nil)
            await #expect(throws: StoreError.tokenSecretMismatch(id: "abcdef")) {
                try await store.authenticate(first.token, client: "d", policy: .default, now: referenceNow)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func failuresOutsideTheWindowDoNotAccumulate(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let token = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
            let wrong = "\(token.id).\(String(repeating: "z", count: 16))"
            for minute in 0..<6 {
                await #expect(throws: StoreError.tokenSecretMismatch(id: token.id)) {
                    try await store.authenticate(
                        wrong, client: "slow", policy: policy, now: referenceNow.addingTimeInterval(Double(minute) * 61)
                    )
                }
            }
            _ = try await store.authenticate(
                token.token.token, client: "slow", policy: policy, now: referenceNow.addingTimeInterval(400))
            #expect(try await fixture.count(.authFailures) == 2)
            // Stale counters are swept with the tokens.
            _ = try await store.sweepExpired(now: referenceNow.addingTimeInterval(10_000))
            #expect(try await fixture.count(.authFailures) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func everyOperationIsAuditedWithoutTheSecret(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let token = try await store.createToken(TokenRequest(), actor: "alice", now: referenceNow)
            _ = try await store.authenticate(token.token.token, client: "10.0.0.1", policy: policy, now: referenceNow)
            _ = try? await store.authenticate(
                "\(token.id).zzzzzzzzzzzzzzzz", client: "10.0.0.2", policy: policy, now: referenceNow)
            try await store.deleteToken(id: token.id, actor: "bob", now: referenceNow.addingTimeInterval(5))
            let events = try await store.auditEvents(limit: nil)
            #expect(events.map(\.action) == [.tokenCreated, .authenticated, .authenticationFailed, .tokenDeleted])
            #expect(events.map(\.actor) == ["alice", "10.0.0.1", "10.0.0.2", "bob"])
            #expect(events.allSatisfy { $0.tokenID == token.id })
            #expect(events.last?.time == referenceNow.addingTimeInterval(5))
            let ids = events.compactMap(\.id)
            #expect(ids.count == 4 && ids == ids.sorted() && Set(ids).count == 4)
            for event in events {
                #expect(!event.detail.contains(token.token.secret) && !event.detail.contains("zzzzzzzzzzzzzzzz"))
            }
            #expect(try await store.auditEvents(limit: 1).map(\.action) == [.tokenDeleted])
            #expect(try await store.auditEvents(limit: 2).map(\.action) == [.authenticationFailed, .tokenDeleted])
        }
    }

    @Test(arguments: Backend.allCases)
    func eightConsumersOfAThreeUseTokenGetExactlyThreeSuccesses(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let token = try await fixture.store.createToken(TokenRequest(maxUses: 3), actor: "t", now: referenceNow)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    let own = try await fixture.openAnother()
                    group.addTask {
                        (try? await own.authenticate(
                            token.token.token, client: "node-\(index)", policy: .default, now: referenceNow)) != nil
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 3)
            #expect(try await fixture.store.token(id: token.id, now: referenceNow)?.usesLeft == 0)
        }
    }
}
