import ClusterPKIAPI
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// Issue 13: failures the caller tallies cost no write, and audit retention, on both backends.
@Suite(.etcdServer) struct AuditConformanceTests {
    @Test(arguments: Backend.allCases)
    func failuresTheCallerTalliesAreNeitherCountedNorAudited(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let policy = TokenAuthPolicy(maxFailures: 3, window: 60, backoff: 300, recordsFailures: false)
            let token = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
            let before = try await store.auditEvents(limit: nil).count
            for second in 0..<10 {
                await #expect(throws: StoreError.tokenSecretMismatch(id: token.id)) {
                    try await store.authenticate(
                        "\(token.id).\(String(repeating: "z", count: 16))", client: "attacker", policy: policy,
                        now: referenceNow.addingTimeInterval(Double(second)))
                }
                await #expect(throws: StoreError.tokenNotFound(id: "zzzzzz")) {
                    try await store.authenticate(
                        "zzzzzz.0123456789abcdef", client: "attacker", policy: policy,
                        now: referenceNow.addingTimeInterval(Double(second)))
                }
            }
            #expect(try await store.auditEvents(limit: nil).count == before)
            // No lock-out was counted: the right secret works from the attacker's address too.
            let identity = try await store.authenticate(
                token.token.token, client: "attacker", policy: policy, now: referenceNow.addingTimeInterval(11))
            #expect(identity.tokenID == token.id)
        }
    }

    @Test(arguments: Backend.allCases)
    func pruningKeepsTheNewestEventsWithinAgeAndCount(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            #expect(try await store.auditEvents(limit: nil).isEmpty)
            for index in 0..<30 {
                try await store.recordAuditEvent(
                    AuditEvent(
                        time: referenceNow.addingTimeInterval(Double(index) * 60), actor: "c\(index)",
                        action: .authenticationFailed, tokenID: "abcdef", detail: "failures=\(index)"))
            }
            // By age: the first ten events are older than the cutoff (and so is anything recorded before them).
            let byAge = try await store.pruneAuditEvents(
                olderThan: referenceNow.addingTimeInterval(600), keepingNewest: 1000)
            #expect(byAge == 10)
            var left = try await store.auditEvents(limit: nil)
            #expect(left.map(\.actor) == (10..<30).map { "c\($0)" })
            // By count: only the newest five stay, oldest first.
            #expect(try await store.pruneAuditEvents(olderThan: referenceNow, keepingNewest: 5) == 15)
            left = try await store.auditEvents(limit: nil)
            #expect(left.map(\.actor) == (25..<30).map { "c\($0)" })
            #expect(try await store.pruneAuditEvents(olderThan: referenceNow, keepingNewest: 5) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func manyEventsRecordedTogetherKeepTheirOrder(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let events = (0..<300).map { index in
                AuditEvent(time: referenceNow, actor: "c\(index)", action: .authenticationFailed, detail: "failures=1")
            }
            try await fixture.store.recordAuditEvents(events)
            let stored = try await fixture.store.auditEvents(limit: nil)
            #expect(stored.map(\.actor) == events.map(\.actor))
        }
    }
}
