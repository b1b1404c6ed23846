import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// The result of one authentication transaction; failures are returned, not thrown, so that the failure
    /// counters and audit events commit with the transaction.
    private enum Outcome: Sendable {
        case authenticated(TokenAuthentication)
        case rejected(StoreError)
    }

    /// Checks `presented` (`<id>.<secret>`), consumes one use, and returns the identity.
    ///
    /// Everything happens in one IMMEDIATE transaction on the token's primary key: the lock-out check, the sweep of
    /// the token if expired, the constant-time comparison of the keyed hash, and the `usesLeft` decrement. Failures
    /// are counted per token id and per `client`; at `policy.maxFailures` within `policy.window` both are refused
    /// for `policy.backoff` seconds with ``StoreError/tooManyAttempts(retryAfter:)``, even with the right secret.
    public func authenticate(
        _ presented: String, client: String, policy: TokenAuthPolicy, now: Date
    ) async throws -> TokenAuthentication {
        let parsed = try? BootstrapTokenString(parsing: presented)
        let outcome: Outcome = try await write { db in
            let t = now.timeIntervalSince1970
            let blockedUntil = try Double.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT max(blockedUntil) FROM authFailure
                        WHERE blockedUntil > ? AND ((scope = 'token' AND subject = ?) OR (scope = 'client' AND subject = ?))
                        """),
                arguments: [t, parsed?.id, client])
            if let blockedUntil {
                try appendAudit(
                    AuditEvent(
                        time: now, actor: client, action: .authenticationRefused, tokenID: parsed?.id,
                        detail: "locked out"),
                    db: db)
                return .rejected(.tooManyAttempts(retryAfter: blockedUntil - t))
            }

            func fail(_ error: StoreError, reason: String) throws -> Outcome {
                guard policy.recordsFailures else { return .rejected(error) }
                try recordFailure(scope: "client", subject: client, policy: policy, now: t, db: db)
                if let id = parsed?.id {
                    try recordFailure(scope: "token", subject: id, policy: policy, now: t, db: db)
                }
                try appendAudit(
                    AuditEvent(
                        time: now, actor: client, action: .authenticationFailed, tokenID: parsed?.id, detail: reason),
                    db: db)
                return .rejected(error)
            }

            guard let parsed else {
                // Never echo what was presented: a near-miss may be most of a real secret.
                return try fail(.malformedToken(BootstrapTokenString.redacted(presented)), reason: "malformed token")
            }
            try expireTokens(db, now: now, id: parsed.id)
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT secretMAC, usages, groups, usesLeft FROM bootstrapToken WHERE id = ?"),
                    arguments: [parsed.id])
            else { return try fail(.tokenNotFound(id: parsed.id), reason: "unknown or expired token") }
            guard try key().isValidSecret(parsed, mac: row["secretMAC"]) else {
                return try fail(.tokenSecretMismatch(id: parsed.id), reason: "wrong secret")
            }
            let usages = Self.splitList(row["usages"])
            guard usages.contains(TokenUsage.authentication.rawValue) else {
                return try fail(.tokenNotForAuthentication(id: parsed.id), reason: "no authentication usage")
            }
            var usesLeft: Int? = row["usesLeft"]
            if usesLeft != nil {
                // The WHERE clause makes the decrement safe even if this ever runs outside an exclusive transaction.
                try db.run(
                    sql: "UPDATE bootstrapToken SET usesLeft = usesLeft - 1 WHERE id = ? AND usesLeft > 0",
                    arguments: [parsed.id])
                guard db.changesCount == 1 else {
                    return try fail(.tokenExpired(id: parsed.id), reason: "no uses left")
                }
                usesLeft = usesLeft.map { $0 - 1 }
            }
            let token = BootstrapToken(
                token: parsed, usages: [.authentication], groups: Self.splitList(row["groups"]), expires: nil,
                created: now)
            let identity = TokenAuthentication(token: token, usesLeft: usesLeft)
            try appendAudit(.authenticatedToken(identity, client: client, now: now), db: db)
            return .authenticated(identity)
        }
        switch outcome {
        case .authenticated(let identity): return identity
        case .rejected(let error): throw error
        }
    }

    /// Counts one failure for `scope`/`subject` in a fixed window; reaching the limit starts the back-off.
    private func recordFailure(scope: String, subject: String, policy: TokenAuthPolicy, now: Double, db: Database)
        throws
    {
        let previous = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT windowStart, failures FROM authFailure WHERE scope = ? AND subject = ?"),
            arguments: [scope, subject]
        ).map {
            AuthFailureCounter(
                windowStart: $0["windowStart"], failures: $0["failures"], blockedUntil: nil, expiresAt: 0)
        }
        let counter = AuthFailureCounter.afterFailure(previous: previous, policy: policy, now: now)
        try db.run(
            sql: """
                INSERT OR REPLACE INTO authFailure (scope, subject, windowStart, failures, blockedUntil, expiresAt)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [scope, subject, counter.windowStart, counter.failures, counter.blockedUntil, counter.expiresAt])
    }
}
