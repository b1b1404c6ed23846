import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// `serve`'s periodic sweep: expired tokens and stale failed-authentication counters do not accumulate.
@Suite struct TokenSweepServiceTests {
    @Test func aSweepDeletesExpiredTokensAndStaleCounters() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let clock = NIOLockedValueBox(referenceNow)
        _ = try await store.createToken(TokenRequest(ttl: 60), actor: "t", now: referenceNow)
        let kept = try await store.createToken(TokenRequest(ttl: 3600), actor: "t", now: referenceNow)
        for attempt in 0..<3 {
            await #expect(throws: StoreError.self) {
                try await store.authenticate(
                    "zzzzz\(attempt).0123456789abcdef", client: "10.0.0.\(attempt)", policy: .default, now: referenceNow
                )
            }
        }
        #expect(try rawCount(store.path, "SELECT count(*) FROM authFailure") == 6)
        let sweep = TokenSweepService(
            store: store, interval: .seconds(60), logger: Logger(label: "test"), now: { clock.withLockedValue { $0 } })
        #expect(await sweep.sweepOnce() == 0)
        #expect(try rawCount(store.path, "SELECT count(*) FROM authFailure") == 6)
        clock.withLockedValue { $0 = referenceNow + 600 }
        #expect(await sweep.sweepOnce() == 1)
        #expect(try rawCount(store.path, "SELECT count(*) FROM authFailure") == 0)
        #expect(try await store.listTokens(now: referenceNow).map(\.id) == [kept.id])
    }
}
