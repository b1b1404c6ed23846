import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// SQLiteStateStoreTests' token behaviours, run against both backends.
@Suite(.etcdServer) struct TokenConformanceTests {
    @Test(arguments: Backend.allCases)
    func createListAndDeleteWithKubeadmSemantics(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let token = try BootstrapTokenString(parsing: "abcdef.0123456789abcdef")
            let created = try await store.createToken(
                TokenRequest(token: token, description: "node joins"), actor: "alice", now: referenceNow)
            #expect(created.expires.map(RFC3339.format) == "2026-01-02T00:00:00Z")
            #expect(created.usages == [.authentication, .signing])
            #expect(created.groups == ["system:bootstrappers:kubeadm:default-node-token"])
            await #expect(throws: StoreError.tokenAlreadyExists(id: "abcdef")) {
                try await store.createToken(TokenRequest(token: token), actor: "alice", now: referenceNow)
            }
            #expect(StoreError.tokenAlreadyExists(id: "abcdef").message == #"a token with id "abcdef" already exists"#)
            let listed = try await store.listTokens(now: referenceNow)
            #expect(listed == [created])
            #expect(listed.first?.token.secret == "0123456789abcdef")
            #expect(try await store.signingTokens(now: referenceNow) == [token])

            try await store.deleteToken(id: "abcdef", actor: "alice", now: referenceNow)
            #expect(try await store.listTokens(now: referenceNow).isEmpty)
            await #expect(throws: StoreError.tokenNotFound(id: "abcdef")) {
                try await store.deleteToken(id: "abcdef", actor: "alice", now: referenceNow)
            }
            #expect(try await store.auditEvents(limit: nil).map(\.action) == [.tokenCreated, .tokenDeleted])
        }
    }

    @Test(arguments: Backend.allCases)
    func ttlExpiryFollowsTheInjectedClock(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let short = try await store.createToken(TokenRequest(ttl: 3600), actor: "t", now: referenceNow)
            let forever = try await store.createToken(TokenRequest(ttl: 0), actor: "t", now: referenceNow)
            #expect(forever.expires == nil)
            #expect(try await store.token(id: short.id, now: referenceNow.addingTimeInterval(3599)) != nil)
            #expect(try await store.token(id: short.id, now: referenceNow.addingTimeInterval(3600)) == nil)
            // Expired on access means deleted, not hidden: gone even for an earlier clock.
            #expect(try await fixture.count(.tokens) == 1)
            #expect(try await store.token(id: short.id, now: referenceNow) == nil)
            let tenYears = referenceNow.addingTimeInterval(10 * 365 * 86_400)
            #expect(try await store.listTokens(now: tenYears).map(\.id) == [forever.id])
            // The expired id can be reused, as after kube-controller-manager's TokenCleaner.
            _ = try await store.createToken(TokenRequest(token: short.token), actor: "t", now: tenYears)
        }
    }

    @Test(arguments: Backend.allCases)
    func anExpiredButUnsweptTokenDoesNotBlockItsID(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let token = try BootstrapTokenString(parsing: "abcdef.0123456789abcdef")
            _ = try await fixture.store.createToken(TokenRequest(token: token, ttl: 60), actor: "t", now: referenceNow)
            let later = referenceNow.addingTimeInterval(61)
            let again = try await fixture.store.createToken(TokenRequest(token: token, ttl: 60), actor: "t", now: later)
            #expect(again.created == later)
            let actions = try await fixture.store.auditEvents(limit: nil).map(\.action)
            #expect(actions == [.tokenCreated, .tokenExpired, .tokenCreated])
        }
    }

    @Test(arguments: Backend.allCases)
    func sweepDeletesExpiredTokensAndAuditsThem(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            for _ in 0..<10 { _ = try await store.createToken(TokenRequest(ttl: 60), actor: "t", now: referenceNow) }
            let keep = try await store.createToken(TokenRequest(ttl: 7200), actor: "t", now: referenceNow)
            #expect(try await store.sweepExpired(now: referenceNow.addingTimeInterval(59)) == 0)
            #expect(try await store.sweepExpired(now: referenceNow.addingTimeInterval(61)) == 10)
            #expect(try await fixture.count(.tokens) == 1)
            #expect(try await store.listTokens(now: referenceNow).map(\.id) == [keep.id])
            let expired = try await store.auditEvents(limit: nil).filter { $0.action == .tokenExpired }
            #expect(expired.count == 10)
            #expect(
                expired.allSatisfy { $0.actor == "token-cleaner" && $0.detail == "expired at 2026-01-01T00:01:00Z" })
        }
    }

    @Test(arguments: Backend.allCases)
    func storedDataRevealsNoSecretAndNoKey(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            var secrets: [String] = []
            for maxUses in [nil, 3] {
                let token = try await fixture.store.createToken(
                    TokenRequest(maxUses: maxUses), actor: "t", now: referenceNow)
                secrets.append(token.token.secret)
                _ = try await fixture.store.authenticate(
                    token.token.token, client: "c", policy: .default, now: referenceNow)
            }
            _ = try? await fixture.store.authenticate(
                "abcdef.0000000000000000", client: "c", policy: .default, now: referenceNow)
            let raw = try await fixture.rawContents()
            #expect(raw.count > 100)
            for needle in secrets + ["0000000000000000"] { #expect(raw.range(of: Data(needle.utf8)) == nil) }
            #expect(raw.range(of: Data(testKeyBytes)) == nil)
            let keyHex = testKeyBytes.map { String(format: "%02x", $0) }.joined()
            #expect(raw.range(of: Data(keyHex.utf8)) == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func refusesAStoreKeyFromAnotherStore(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            _ = try await fixture.store.createToken(TokenRequest(), actor: "t", now: referenceNow)
            await #expect(throws: StoreError.storeKeyMismatch) { try await fixture.openAnother(key: .random()) }
            // The right key still opens it.
            #expect(try await fixture.openAnother().listTokens(now: referenceNow).count == 1)
        }
    }
}
