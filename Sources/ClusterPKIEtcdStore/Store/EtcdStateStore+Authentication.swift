import ClusterPKIAPI
import ClusterPKIStore
import EtcdAPI
import Foundation
import SwiftProtobuf

extension EtcdStateStore {
    /// What one look at the token and the failure counters decides.
    private enum Verdict {
        /// Authenticated; `used` is the token with one use less when it has a limit (to write back).
        case authenticate(identity: TokenAuthentication, used: Data?)
        case lockedOut(until: Double)
        /// Refuse; `expired` is the token to delete first, as TokenCleaner would.
        case refuse(StoreError, reason: String, expired: Mvccpb_KeyValue?)
    }

    /// Checks `presented` (`<id>.<secret>`), consumes one use, and returns the identity.
    ///
    /// The use is consumed by one transaction that holds only while the token and both failure counters have the
    /// mod revisions the decision was made on, so across all replicas a token with N uses authenticates exactly N
    /// times, a token deleted meanwhile authenticates no more, and a lock-out counted elsewhere applies at once.
    /// The first attempt decides on the values this store saw last (``AuthenticationHints``): when they are still
    /// current that is the only round trip; otherwise the transaction returns the current values and the decision is
    /// made again. A refusal is only ever decided on values read afresh. Failures are counted per token id and per
    /// `client`; at `policy.maxFailures` within `policy.window` both are refused for `policy.backoff` seconds.
    public func authenticate(
        _ presented: String, client: String, policy: TokenAuthPolicy, now: Date
    ) async throws -> TokenAuthentication {
        let parsed = try? BootstrapTokenString(parsing: presented)
        let counterKeys =
            [keys.authFailure(scope: "client", subject: client)]
            + (parsed.map { [keys.authFailure(scope: "token", subject: $0.id)] } ?? [])
        let watched = counterKeys + (parsed.map { [keys.token($0.id)] } ?? [])
        var values = watched.map(hints.value)
        var fresh = false
        for _ in 0..<Self.maxAttempts {
            let verdict = try judge(
                parsed, presented, client: client, counters: Array(zip(counterKeys, values)),
                token: parsed == nil ? nil : values.last ?? nil, now: now)
            if case .authenticate(let identity, let token) = verdict {
                // The token's value is the last one watched whenever the verdict authenticates (parsed != nil).
                var writes = try auditOps([.authenticatedToken(identity, client: client, now: now)])
                if let token, let kv = values.last ?? nil {
                    writes.insert(.put(kv.keyString, token, keepLease: true), at: 0)
                }
                let response = try await self.commit(
                    .init(
                        compare: zip(watched, values).map { .modRevision($0, is: $1?.modRevision ?? 0) },
                        success: writes,
                        failure: watched.map { .get($0) }))
                if response.succeeded {
                    if let token, var kv = values.last ?? nil, let tokenKey = watched.last {
                        (kv.value, kv.modRevision, kv.version) = (token, response.header.revision, kv.version + 1)
                        hints.remember(tokenKey, kv)
                    }
                    return identity
                }
                // Another replica used, changed or deleted the token, or counted a failure: decide again.
                values = response.responses.map { $0.responseRange.kvs.first }
            } else if !fresh {
                values = try await read(watched)
            } else if case .lockedOut(let until) = verdict {
                try await appendAudit([
                    AuditEvent(
                        time: now, actor: client, action: .authenticationRefused, tokenID: parsed?.id,
                        detail: "locked out")
                ])
                throw StoreError.tooManyAttempts(retryAfter: until - now.timeIntervalSince1970)
            } else if case .refuse(let error, let reason, let expired) = verdict {
                if let expired { _ = try await expire([expired], now: now) }
                guard policy.recordsFailures else { throw error }
                let event = AuditEvent(
                    time: now, actor: client, action: .authenticationFailed, tokenID: parsed?.id, detail: reason)
                try await recordFailure(
                    Array(zip(counterKeys, values)), policy: policy, now: now.timeIntervalSince1970, event: event)
                throw error
            }
            fresh = true
            for (key, value) in zip(watched, values) { hints.remember(key, value) }
        }
        throw contention("authenticating with token \(parsed?.id ?? "?")")
    }

    /// The read-only fast path for tokens without a use limit: the replica's current copy (``TokenReadCache``) or one
    /// linearizable read of the token and both failure counters (no Raft write), decided as
    /// ``authenticate(_:client:policy:now:)`` would. `nil` whenever that path would write something other than its
    /// success audit event (a use, a failure, an expired token to delete).
    public func authenticateReadOnly(_ presented: String, client: String, now: Date) async throws
        -> TokenAuthentication?
    {
        guard let parsed = try? BootstrapTokenString(parsing: presented) else { return nil }
        let counterKeys = [
            keys.authFailure(scope: "client", subject: client), keys.authFailure(scope: "token", subject: parsed.id),
        ]
        let watched = counterKeys + [keys.token(parsed.id)]
        // This replica's copy answers a plain success while it is current; anything else is decided on a read.
        if let cached = readCache.lookup(watched), cached[2] != nil,
            case .authenticate(let identity, nil) = try judge(
                parsed, presented, client: client, counters: Array(zip(counterKeys, cached)), token: cached[2],
                now: now),
            identity.usesLeft == nil
        {
            readCache.recordHit()
            return identity
        }
        let values = try await read(watched)
        let verdict = try judge(
            parsed, presented, client: client, counters: Array(zip(counterKeys, values)), token: values[2], now: now)
        guard case .authenticate(let identity, nil) = verdict, identity.usesLeft == nil else { return nil }
        return identity
    }

    /// The decision on one set of values: the lock-out first, then the token (kubeadm's order of checks).
    private func judge(
        _ parsed: BootstrapTokenString?, _ presented: String, client: String, counters: [(String, Mvccpb_KeyValue?)],
        token kv: Mvccpb_KeyValue?, now: Date
    ) throws -> Verdict {
        let t = now.timeIntervalSince1970
        let blocked = try counters.compactMap { key, kv in
            try kv.map { try EtcdJSON.decode(AuthFailureCounter.self, from: $0.value, key: key).blockedUntil } ?? nil
        }.filter { $0 > t }.max()
        if let blocked { return .lockedOut(until: blocked) }
        guard let parsed else {
            // Never echo what was presented: a near-miss may be most of a real secret.
            return .refuse(
                .malformedToken(BootstrapTokenString.redacted(presented)), reason: "malformed token", expired: nil)
        }
        guard let kv else {
            return .refuse(.tokenNotFound(id: parsed.id), reason: "unknown or expired token", expired: nil)
        }
        let record = try decodeRecord(kv)
        if record.isExpired(at: now) {
            return .refuse(.tokenNotFound(id: parsed.id), reason: "unknown or expired token", expired: kv)
        }
        guard key.isValidSecret(parsed, mac: record.secretMAC) else {
            return .refuse(.tokenSecretMismatch(id: parsed.id), reason: "wrong secret", expired: nil)
        }
        guard record.usages.contains(.authentication) else {
            return .refuse(.tokenNotForAuthentication(id: parsed.id), reason: "no authentication usage", expired: nil)
        }
        var used: Data?
        var usesLeft = record.usesLeft
        if let left = usesLeft {
            guard left > 0 else { return .refuse(.tokenExpired(id: parsed.id), reason: "no uses left", expired: nil) }
            var consumed = record
            consumed.usesLeft = left - 1
            usesLeft = left - 1
            used = try EtcdJSON.encode(consumed)
        }
        let token = BootstrapToken(
            token: parsed, usages: [.authentication], groups: record.groups, expires: nil, created: now)
        return .authenticate(identity: TokenAuthentication(token: token, usesLeft: usesLeft), used: used)
    }

    /// Counts one failure on every counter and audits it in one transaction, compare-and-swapped against the
    /// counters as read (then re-read) so that failures through different replicas all count.
    private func recordFailure(
        _ counters: [(String, Mvccpb_KeyValue?)], policy: TokenAuthPolicy, now: Double, event: AuditEvent
    ) async throws {
        let keys = counters.map(\.0)
        var current = counters.map(\.1)
        for attempt in 0..<Self.maxAttempts {
            if attempt > 0 {
                current = try await read(keys)
            }
            var compare: [Etcdserverpb_Compare] = []
            var written: [Mvccpb_KeyValue] = []
            for (key, kv) in zip(keys, current) {
                let previous = try kv.map { try EtcdJSON.decode(AuthFailureCounter.self, from: $0.value, key: key) }
                let counter = AuthFailureCounter.afterFailure(previous: previous, policy: policy, now: now)
                compare.append(.modRevision(key, is: kv?.modRevision ?? 0))
                let value = try EtcdJSON.encode(counter)
                written.append(.with { ($0.key, $0.value) = (Data(key.utf8), value) })
            }
            let puts = written.map { Etcdserverpb_RequestOp.put($0.keyString, $0.value) }
            let response = try await commit(.init(compare: compare, success: puts + auditOps([event])))
            if response.succeeded {
                for var kv in written {
                    kv.modRevision = response.header.revision
                    hints.remember(kv.keyString, kv)
                }
                return
            }
        }
        throw contention("counting a failed authentication")
    }

    /// The current values of `keys` (absent: `nil`), read together at one revision.
    private func read(_ keys: [String]) async throws -> [Mvccpb_KeyValue?] {
        try await client.txn(.init(compare: [], success: keys.map { .get($0) })).responses.map {
            $0.responseRange.kvs.first
        }
    }
}
