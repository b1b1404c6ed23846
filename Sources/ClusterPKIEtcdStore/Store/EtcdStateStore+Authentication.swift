import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Checks `presented` (`<id>.<secret>`), consumes one use, and returns the identity.
    ///
    /// One read gets the token and both failure counters at one revision; the use is then consumed by a transaction
    /// that holds only while the token's mod revision is the one read, so across all replicas a token with N uses
    /// authenticates exactly N times, and a token deleted meanwhile authenticates no more. A replica that loses the
    /// race reads again. Failures are counted per token id and per `client` with the same compare-and-swap; at
    /// `policy.maxFailures` within `policy.window` both are refused for `policy.backoff` seconds.
    public func authenticate(
        _ presented: String, client: String, policy: TokenAuthPolicy, now: Date
    ) async throws -> TokenAuthentication {
        let parsed = try? BootstrapTokenString(parsing: presented)
        let counterKeys =
            [keys.authFailure(scope: "client", subject: client)]
            + (parsed.map { [keys.authFailure(scope: "token", subject: $0.id)] } ?? [])
        let t = now.timeIntervalSince1970
        for _ in 0..<Self.maxAttempts {
            var reads = counterKeys.map { Etcdserverpb_RequestOp.get($0) }
            if let parsed { reads.append(.get(keys.token(parsed.id))) }
            let found = try await self.client.txn(.init(compare: [], success: reads)).responses.map { $0.responseRange.kvs.first }
            let counters = Array(found.prefix(counterKeys.count))

            if let blockedUntil = try blockedUntil(counters, keys: counterKeys, now: t) {
                try await appendAudit([
                    AuditEvent(time: now, actor: client, action: .authenticationRefused, tokenID: parsed?.id, detail: "locked out")
                ])
                throw StoreError.tooManyAttempts(retryAfter: blockedUntil - t)
            }
            func fail(_ error: StoreError, reason: String) async throws -> Never {
                let event = AuditEvent(time: now, actor: client, action: .authenticationFailed, tokenID: parsed?.id, detail: reason)
                try await recordFailure(counterKeys, read: counters, policy: policy, now: t, event: event)
                throw error
            }

            guard let parsed else {
                // Never echo what was presented: a near-miss may be most of a real secret.
                try await fail(.malformedToken(BootstrapTokenString.redacted(presented)), reason: "malformed token")
            }
            guard let kv = found[counterKeys.count] else {
                try await fail(.tokenNotFound(id: parsed.id), reason: "unknown or expired token")
            }
            let record = try decodeRecord(kv)
            if record.isExpired(at: now) {
                _ = try await expire([kv], now: now)
                try await fail(.tokenNotFound(id: parsed.id), reason: "unknown or expired token")
            }
            guard key.isValidSecret(parsed, mac: record.secretMAC) else {
                try await fail(.tokenSecretMismatch(id: parsed.id), reason: "wrong secret")
            }
            guard record.usages.contains(.authentication) else {
                try await fail(.tokenNotForAuthentication(id: parsed.id), reason: "no authentication usage")
            }
            var writes: [Etcdserverpb_RequestOp] = []
            var usesLeft = record.usesLeft
            if let left = usesLeft {
                guard left > 0 else { try await fail(.tokenExpired(id: parsed.id), reason: "no uses left") }
                var used = record
                used.usesLeft = left - 1
                usesLeft = left - 1
                writes.append(.put(kv.keyString, try EtcdJSON.encode(used), keepLease: true))
            }
            writes += try auditOps([
                AuditEvent(
                    time: now, actor: client, action: .authenticated, tokenID: parsed.id, detail: usesLeft.map { "usesLeft=\($0)" } ?? "")
            ])
            let committed = try await self.client.txn(.init(compare: [.modRevision(kv.keyString, is: kv.modRevision)], success: writes))
            if committed.succeeded {
                let token = BootstrapToken(token: parsed, usages: [.authentication], groups: record.groups, expires: nil, created: now)
                return TokenAuthentication(token: token, usesLeft: usesLeft)
            }
            // Another replica used, changed or deleted the token since the read: decide again on fresh data.
        }
        throw contention("authenticating with token \(parsed?.id ?? "?")")
    }

    /// The latest lock-out still running among the counters read, if any.
    private func blockedUntil(_ counters: [Mvccpb_KeyValue?], keys counterKeys: [String], now: Double) throws -> Double? {
        try zip(counterKeys, counters).compactMap { key, kv -> Double? in
            guard let kv else { return nil }
            return try EtcdJSON.decode(AuthFailureCounter.self, from: kv.value, key: key).blockedUntil
        }.filter { $0 > now }.max()
    }

    /// Counts one failure on every counter and audits it in one transaction, compare-and-swapped against the
    /// counters `read` (then re-read) so that failures through different replicas all count.
    private func recordFailure(
        _ counterKeys: [String], read: [Mvccpb_KeyValue?], policy: TokenAuthPolicy, now: Double, event: AuditEvent
    ) async throws {
        var current = read
        for attempt in 0..<Self.maxAttempts {
            if attempt > 0 {
                let reread = try await client.txn(.init(compare: [], success: counterKeys.map { .get($0) }))
                current = reread.responses.map { $0.responseRange.kvs.first }
            }
            var compare: [Etcdserverpb_Compare] = []
            var puts: [Etcdserverpb_RequestOp] = []
            for (key, kv) in zip(counterKeys, current) {
                let previous = try kv.map { try EtcdJSON.decode(AuthFailureCounter.self, from: $0.value, key: key) }
                let counter = AuthFailureCounter.afterFailure(previous: previous, policy: policy, now: now)
                compare.append(.modRevision(key, is: kv?.modRevision ?? 0))
                puts.append(.put(key, try EtcdJSON.encode(counter)))
            }
            if try await client.txn(.init(compare: compare, success: puts + auditOps([event]))).succeeded { return }
        }
        throw contention("counting a failed authentication")
    }
}
