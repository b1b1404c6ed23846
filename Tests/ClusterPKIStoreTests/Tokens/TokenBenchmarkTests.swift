import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import GRDB
import Testing

@testable import ClusterPKISQLiteStore

/// Run with `CLUSTERPKI_BENCH=1 swift test --filter TokenBenchmarkTests`; prints auth p50/p99 and sweep time.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CLUSTERPKI_BENCH"] == "1"))
struct TokenBenchmarkTests {
    @Test func authenticationAndSweepWith100kTokens() async throws {
        let count = Int(ProcessInfo.processInfo.environment["CLUSTERPKI_BENCH_COUNT"] ?? "") ?? 100_000
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let clock = ContinuousClock()
        let insertStart = clock.now
        let tokens: [BootstrapTokenString] = try await store.write { db in
            (0..<count).map { _ in
                try! store.insertToken(TokenRequest(ttl: 3600), actor: "bench", now: referenceNow, db: db).token
            }
        }
        let insertTime = clock.now - insertStart

        if ProcessInfo.processInfo.environment["CLUSTERPKI_BENCH_NO_CHECKPOINT"] == "1" {
            // Diagnostic: tells WAL checkpoint stalls apart from other latency.
            try await store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        var samples: [Duration] = []
        for token in tokens.shuffled().prefix(5000) {
            let start = clock.now
            _ = try await store.authenticate(token.token, client: "bench", policy: .default, now: referenceNow)
            samples.append(clock.now - start)
        }
        samples.sort()
        let p50 = samples[samples.count / 2]
        let p99 = samples[samples.count * 99 / 100]

        let sweepStart = clock.now
        let swept = try await store.sweepExpired(now: referenceNow.addingTimeInterval(7200))
        let sweepTime = clock.now - sweepStart
        #expect(swept == count)
        #expect(try rawCount(store.path, "SELECT count(*) FROM bootstrapToken") == 0)
        let slow = samples.filter { $0 > .milliseconds(1) }.count
        print(
            "BENCH p90=\(samples[samples.count * 9 / 10]) p999=\(samples[samples.count * 999 / 1000]) over1ms=\(slow)/\(samples.count)"
        )
        print("BENCH tokens=\(count) insert=\(insertTime) auth p50=\(p50) p99=\(p99) sweep=\(sweepTime)")
    }
}
