import ClusterPKIAPI
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// ``TokenStore/authenticateReadOnly(_:client:now:)`` on both backends: the identity of a live token without a use
/// limit, `nil` for everything the write path must decide, and never a write.
@Suite(.etcdServer) struct ReadOnlyAuthenticationConformanceTests {
    @Test(arguments: Backend.allCases)
    func unlimitedTokenAuthenticatesWithoutWriting(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let token = try await store.createToken(
                TokenRequest(groups: ["system:bootstrappers:kubeadm:default-node-token"]), actor: "a", now: referenceNow
            )
            let before = try await store.auditEvents(limit: nil)
            let identity = try #require(
                try await store.authenticateReadOnly(token.token.token, client: "10.0.0.7", now: referenceNow))
            #expect(identity.username == "system:bootstrap:\(token.id)")
            #expect(identity.groups == ["system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token"])
            #expect(identity.usesLeft == nil)
            #expect(try await store.auditEvents(limit: nil) == before, "the read-only path records nothing")
            // The event the caller records is the write path's, field for field.
            let written = try await store.authenticate(
                token.token.token, client: "10.0.0.7", policy: .default, now: referenceNow)
            var last = try #require(try await store.auditEvents(limit: 1).last)
            last.id = nil  // the store's sequence number
            #expect(last == AuditEvent.authenticatedToken(written, client: "10.0.0.7", now: referenceNow))
            #expect(AuditEvent.authenticatedToken(identity, client: "10.0.0.7", now: referenceNow) == last)
        }
    }

    @Test(arguments: Backend.allCases)
    func everythingElseIsLeftToTheWritePath(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let limited = try await store.createToken(TokenRequest(maxUses: 3), actor: "a", now: referenceNow)
            let shortLived = try await store.createToken(TokenRequest(ttl: 60), actor: "a", now: referenceNow)
            let signingOnly = try await store.createToken(
                TokenRequest(usages: [.signing], groups: []), actor: "a", now: referenceNow)
            let locked = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
            let policy = TokenAuthPolicy(maxFailures: 1, window: 60, backoff: 300)
            _ = try? await store.authenticate(
                "\(locked.id).\(String(repeating: "z", count: 16))", client: "attacker", policy: policy,
                now: referenceNow)
            let before = try await store.auditEvents(limit: nil)
            for (presented, client, when, why) in [
                (limited.token.token, "c", referenceNow, "a use limit is consumed by the write path"),
                (shortLived.token.token, "c", referenceNow.addingTimeInterval(60), "expired: the write path sweeps it"),
                ("\(shortLived.id).\(String(repeating: "0", count: 16))", "c", referenceNow, "wrong secret"),
                (signingOnly.token.token, "c", referenceNow, "no authentication usage"),
                (locked.token.token, "c", referenceNow, "the token id is locked out in the store"),
                (shortLived.token.token, "attacker", referenceNow, "the client is locked out in the store"),
                ("abcdef.0123456789abcdef", "c", referenceNow, "unknown token"),
                ("not-a-token", "c", referenceNow, "malformed"),
            ] {
                let identity = try await store.authenticateReadOnly(presented, client: client, now: when)
                #expect(identity == nil, "\(why)")
            }
            #expect(try await store.auditEvents(limit: nil) == before, "nothing was written")
            #expect(try await store.token(id: limited.id, now: referenceNow)?.usesLeft == 3)
        }
    }
}
