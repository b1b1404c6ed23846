import ClusterPKIStore
import Foundation
import Testing

@testable import ClusterPKIServer

/// The in-memory brute-force defence: per client, per token id for wrong secrets only, tallied, bounded.
struct AuthThrottleTests {
    let policy = TokenAuthPolicy(maxFailures: 3, window: 60, backoff: 300)
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aClientInBackOffIsRefusedUntilItEnds() {
        let throttle = AuthThrottle(policy: policy)
        for second in 0..<3 {
            #expect(throttle.backOff(client: "a", tokenID: "abcdef", now: t0 + Double(second)) == nil)
            _ = throttle.failed(
                client: "a", tokenID: "abcdef", reason: "wrong_secret", wrongSecret: true, now: t0 + Double(second))
        }
        #expect(throttle.backOff(client: "a", tokenID: "abcdef", now: t0 + 10)?.retryAfter == 292)
        #expect(throttle.backOff(client: "b", tokenID: "abcdef", now: t0 + 10) == nil)
        #expect(throttle.backOff(client: "a", tokenID: "abcdef", now: t0 + 302) == nil)
    }

    @Test func wrongSecretsPutTheTokenIDInBackOffForWrongSecretsOnly() {
        let throttle = AuthThrottle(policy: policy)
        // Three addresses, one wrong secret each: no client is in back-off, the token id is.
        for index in 0..<3 {
            let failure = throttle.failed(
                client: "10.0.0.\(index)", tokenID: "abcdef", reason: "wrong_secret", wrongSecret: true, now: t0)
            #expect(failure.retryAfter == nil)
        }
        let fourth = throttle.failed(
            client: "10.0.0.9", tokenID: "abcdef", reason: "wrong_secret", wrongSecret: true, now: t0 + 1)
        #expect(fourth.retryAfter == 299)
        // Unknown tokens and malformed text never count against an id.
        let throttle2 = AuthThrottle(policy: policy)
        for index in 0..<5 {
            let failure = throttle2.failed(
                client: "10.1.0.\(index)", tokenID: "zzzzzz", reason: "unknown_or_expired", wrongSecret: false, now: t0)
            #expect(failure.retryAfter == nil)
        }
    }

    @Test func failuresAreTalliedOnePerClientAndTokenAndLoggedOnce() {
        let throttle = AuthThrottle(policy: TokenAuthPolicy(maxFailures: 1000, window: 60, backoff: 300))
        var logged = 0
        for attempt in 0..<500 {
            let failure = throttle.failed(
                client: "203.0.113.\(attempt % 2)", tokenID: "abcdef", reason: "wrong_secret", wrongSecret: true,
                now: t0 + Double(attempt) / 100)
            if failure.log { logged += 1 }
        }
        #expect(logged == 2)
        let drained = throttle.drain(now: t0 + 60)
        #expect(drained.count == 2)
        #expect(drained.map { $0.attempts } == [250, 250])
        #expect(drained.allSatisfy { $0.event.action == .authenticationFailed && $0.event.tokenID == "abcdef" })
        #expect(drained.allSatisfy { $0.event.detail.hasPrefix("failures=250 refused=0 since=") })
        #expect(drained.allSatisfy { $0.event.detail.hasSuffix("reasons=wrong_secret") })
        #expect(throttle.drain(now: t0 + 61).isEmpty)
        // The next window logs again.
        #expect(
            throttle.failed(
                client: "203.0.113.0", tokenID: "abcdef", reason: "wrong_secret", wrongSecret: true, now: t0 + 70
            ).log)
    }

    @Test func tablesStayAtTheirCapacityWhateverTheAddresses() {
        let throttle = AuthThrottle(policy: policy, capacity: 1000)
        for index in 0..<50_000 {
            _ = throttle.failed(
                client: "2001:db8::\(String(index, radix: 16))", tokenID: "t\(index % 3000)", reason: "wrong_secret",
                wrongSecret: true,
                now: t0)
        }
        let drained = throttle.drain(now: t0 + 1)
        // 1000 tallies kept plus one event for the 49,000 evicted: nothing lost, nothing unbounded.
        #expect(drained.count == 1001)
        #expect(drained.map { $0.attempts }.reduce(0, +) == 50_000)
        #expect(drained.last?.event.actor == "other-clients")
        #expect(drained.last?.attempts == 49_000)
    }
}

/// The recency map under the throttle.
struct BoundedLRUTests {
    @Test func evictsTheLeastRecentlyUsedAtCapacity() {
        var lru = BoundedLRU<String, Int>(capacity: 3)
        lru.set(1, for: "a")
        lru.set(2, for: "b")
        lru.set(3, for: "c")
        #expect(lru.value(for: "a") == 1)  // "b" is now the oldest
        let evicted = lru.set(4, for: "d")
        #expect(evicted?.key == "b")
        #expect(lru.count == 3)
        #expect(lru.peek("b") == nil && lru.peek("a") == 1 && lru.peek("d") == 4)
        #expect(lru.set(5, for: "a") == nil)  // replacing evicts nothing
    }

    @Test func neverExceedsItsCapacityUnderChurnAndKeepsTheHotKey() {
        var lru = BoundedLRU<Int, Int>(capacity: 100)
        lru.set(0, for: 0)
        var largest = 0
        var hotKept = true
        for key in 1..<100_000 {
            // A stream of new keys, and one key in use all the time: the stream must never push it out.
            lru.set(key, for: key)
            if lru.value(for: 0) != 0 { hotKept = false }
            largest = max(largest, lru.count)
        }
        #expect(largest == 100)
        #expect(hotKept)
        let all = lru.removeAll()
        #expect(all.count == 100 && lru.count == 0)
        #expect(all.last?.key == 0)  // the most recently used comes last
    }
}
