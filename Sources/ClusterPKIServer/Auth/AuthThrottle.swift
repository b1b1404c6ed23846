import ClusterPKICore
import ClusterPKIStore
import Foundation
import NIOConcurrencyHelpers

/// The brute-force defence of bootstrap-token authentication, in memory and bounded.
///
/// Token ids are public (cluster-info lists them), so a lock-out of the id would let anyone block every join. Here a
/// wrong secret never locks out the right one:
/// - a client address that fails `maxFailures` times within `window` is refused (429) for `backoff`, whatever it
///   presents, without reaching the store;
/// - a token id that got `maxFailures` wrong secrets within `window` answers further *wrong* secrets with 429; the
///   right secret still authenticates, from any address (the 82-bit secret space, not the lock-out, is what makes
///   guessing hopeless: see the README's threat model).
///
/// Failures are tallied per client and token id and leave as one audit event each per ``drain(now:)`` (the serve
/// loop calls it once a window), so an attacker's requests cost neither a database row nor a log line each. Every
/// table is a ``BoundedLRU``: memory stays bounded whatever addresses an attacker uses.
public final class AuthThrottle: Sendable {
    /// What one failure leads to.
    public struct Failure: Sendable, Equatable {
        /// Seconds until the token id accepts wrong secrets again when it is in back-off (answer 429), else nil.
        public var retryAfter: TimeInterval?
        /// True for the first failure of this client and token id in the current window: log it; later ones are
        /// counted and summarised by ``drain(now:)``.
        public var log: Bool
    }

    struct Key: Hashable, Sendable {
        var client: String
        var tokenID: String?
    }

    struct Tally: Sendable {
        var failures = 0
        var refused = 0
        var reasons: [String] = []
        var since: Date
    }

    struct State: Sendable {
        var clients: BoundedLRU<String, AuthFailureCounter>
        var tokens: BoundedLRU<String, AuthFailureCounter>
        var tallies: BoundedLRU<Key, Tally>
        /// Failures and refusals of tallies evicted before a drain: reported as one event.
        var evicted = Tally(since: .distantFuture)
    }

    public let policy: TokenAuthPolicy
    /// Entries per table (clients, token ids, tallies).
    public let capacity: Int
    private let state: NIOLockedValueBox<State>

    /// A throttle for `policy` whose tables hold at most `capacity` entries each.
    public init(policy: TokenAuthPolicy, capacity: Int = 65_536) {
        self.policy = policy
        self.capacity = capacity
        self.state = NIOLockedValueBox(
            State(
                clients: BoundedLRU(capacity: capacity), tokens: BoundedLRU(capacity: capacity),
                tallies: BoundedLRU(capacity: capacity)))
    }

    /// Seconds `client` must still wait, or nil when it may try; a refusal is tallied.
    public func backOff(client: String, tokenID: String?, now: Date) -> (retryAfter: TimeInterval, log: Bool)? {
        let t = now.timeIntervalSince1970
        return state.withLockedValue { state in
            guard let until = state.clients.peek(client)?.blockedUntil, until > t else { return nil }
            let log = state.tally(Key(client: client, tokenID: tokenID), now: now) { $0.refused += 1 }.refused == 1
            return (until - t, log)
        }
    }

    /// Counts a failed authentication of `client` (with `tokenID` when the presented text named one).
    /// `wrongSecret` is true when the token exists and the secret did not match: only those count against the id.
    public func failed(client: String, tokenID: String?, reason: String, wrongSecret: Bool, now: Date) -> Failure {
        let t = now.timeIntervalSince1970
        return state.withLockedValue { state in
            let previousClient = state.clients.value(for: client)
            state.clients.set(
                AuthFailureCounter.afterFailure(previous: previousClient, policy: policy, now: t), for: client)
            var retryAfter: TimeInterval?
            if wrongSecret, let tokenID {
                let previous = state.tokens.value(for: tokenID)
                if let until = previous?.blockedUntil, until > t {
                    retryAfter = until - t
                } else {
                    let counter = AuthFailureCounter.afterFailure(previous: previous, policy: policy, now: t)
                    state.tokens.set(counter, for: tokenID)
                }
            }
            let tally = state.tally(Key(client: client, tokenID: tokenID), now: now) { tally in
                tally.failures += 1
                if !tally.reasons.contains(reason) { tally.reasons.append(reason) }
            }
            return Failure(retryAfter: retryAfter, log: tally.failures + tally.refused == 1)
        }
    }

    /// The failures and refusals tallied since the last drain, one audit event per client and token id (plus one
    /// for tallies the table had to evict) with its number of attempts; forgets counters whose window and back-off
    /// are over.
    public func drain(now: Date) -> [(event: AuditEvent, attempts: Int)] {
        let t = now.timeIntervalSince1970
        let (tallies, evicted): ([(key: Key, value: Tally)], Tally) = state.withLockedValue { state in
            state.clients.removeAll { $0.expiresAt <= t }
            state.tokens.removeAll { $0.expiresAt <= t }
            let evicted = state.evicted
            state.evicted = Tally(since: .distantFuture)
            return (state.tallies.removeAll(), evicted)
        }
        var events: [(event: AuditEvent, attempts: Int)] = tallies.map { entry in
            let (key, tally) = (entry.key, entry.value)
            let event = AuditEvent(
                time: now, actor: key.client,
                action: tally.failures > 0 ? .authenticationFailed : .authenticationRefused,
                tokenID: key.tokenID, detail: Self.detail(tally))
            return (event: event, attempts: tally.failures + tally.refused)
        }
        if evicted.failures + evicted.refused > 0 {
            let event = AuditEvent(
                time: now, actor: "other-clients", action: .authenticationFailed,
                detail: Self.detail(evicted) + " (clients beyond the throttle table of \(capacity))")
            events.append((event: event, attempts: evicted.failures + evicted.refused))
        }
        return events
    }

    static func detail(_ tally: Tally) -> String {
        var parts = ["failures=\(tally.failures)", "refused=\(tally.refused)", "since=\(RFC3339.format(tally.since))"]
        if !tally.reasons.isEmpty { parts.append("reasons=\(tally.reasons.joined(separator: ","))") }
        return parts.joined(separator: " ")
    }
}

extension AuthThrottle.State {
    /// Applies `change` to the tally of `key` (created at `now` if new) and returns it.
    mutating func tally(_ key: AuthThrottle.Key, now: Date, _ change: (inout AuthThrottle.Tally) -> Void)
        -> AuthThrottle.Tally
    {
        var tally = tallies.value(for: key) ?? AuthThrottle.Tally(since: now)
        change(&tally)
        if let evictedEntry = tallies.set(tally, for: key) {
            let old = evictedEntry.value
            evicted.failures += old.failures
            evicted.refused += old.refused
            evicted.since = min(evicted.since, old.since)
            for reason in old.reasons where !evicted.reasons.contains(reason) { evicted.reasons.append(reason) }
        }
        return tally
    }
}
