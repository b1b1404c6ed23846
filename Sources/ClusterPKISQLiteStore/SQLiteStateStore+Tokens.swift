import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// Stores a new token; see ``TokenStore/createToken(_:actor:now:)``.
    public func createToken(_ request: TokenRequest, actor: String, now: Date) async throws -> BootstrapToken {
        try request.validate()
        return try await write { db in
            try insertToken(request, actor: actor, now: now, db: db)
        }
    }

    /// All live tokens sorted by id; expired ones are deleted first (skipped, not deleted, on a read-only store).
    public func listTokens(now: Date) async throws -> [BootstrapToken] {
        if readOnly {
            return try await read { db in
                try Row.fetchAll(
                    db, sql: "SELECT \(Self.tokenColumns) FROM bootstrapToken WHERE \(Self.liveCondition) ORDER BY id",
                    arguments: [now.timeIntervalSince1970]
                ).map(decodeToken)
            }
        }
        return try await write { db in
            try expireTokens(db, now: now)
            return try Row.fetchAll(db, sql: "SELECT \(Self.tokenColumns) FROM bootstrapToken ORDER BY id").map(
                decodeToken)
        }
    }

    /// One live token, or `nil` (an expired one is deleted; on a read-only store, only left out).
    public func token(id: String, now: Date) async throws -> BootstrapToken? {
        if readOnly {
            return try await read { db in
                try Row.fetchOne(
                    db, sql: "SELECT \(Self.tokenColumns) FROM bootstrapToken WHERE id = ? AND \(Self.liveCondition)",
                    arguments: [id, now.timeIntervalSince1970]
                ).map(decodeToken)
            }
        }
        return try await write { db in
            try expireTokens(db, now: now, id: id)
            return try Row.fetchOne(
                db, sql: "SELECT \(Self.tokenColumns) FROM bootstrapToken WHERE id = ?", arguments: [id]
            )
            .map(decodeToken)
        }
    }

    /// The clear tokens that have the `signing` usage, for the cluster-info JWS signatures.
    public func signingTokens(now: Date) async throws -> [BootstrapTokenString] {
        try await listTokens(now: now).filter { $0.usages.contains(.signing) }.map(\.token)
    }

    /// Deletes a token and the uploads bound to it.
    public func deleteToken(id: String, actor: String, now: Date) async throws {
        try await write { db in
            guard try deleteTokens(db, where: "id = ?", arguments: [id]) == 1 else {
                throw StoreError.tokenNotFound(id: id)
            }
            try appendAudit(AuditEvent(time: now, actor: actor, action: .tokenDeleted, tokenID: id), db: db)
        }
    }

    /// Deletes all expired tokens (uploads go with them by cascade) and stale failure counters.
    public func sweepExpired(now: Date) async throws -> Int {
        try await write { db in
            let deleted = try expireTokens(db, now: now)
            try db.run(sql: "DELETE FROM authFailure WHERE expiresAt <= ?", arguments: [now.timeIntervalSince1970])
            return deleted
        }
    }

    // MARK: Shared by tokens and uploads

    /// A token that has not expired at the bound time (the `expiresAt` index, as the sweep uses).
    static let liveCondition = "(expiresAt IS NULL OR expiresAt > ?)"

    static let tokenColumns = "id, sealedSecret, description, usages, groups, createdAt, expiresAt, maxUses, usesLeft"

    /// Inserts a validated request inside the caller's transaction, generating a token if none was given.
    func insertToken(_ request: TokenRequest, actor: String, now: Date, db: Database) throws -> BootstrapToken {
        var attempt = 0
        while true {
            attempt += 1
            let value = request.makeToken(request.token ?? .generate(), now: now)
            do {
                try db.run(
                    sql: """
                        INSERT INTO bootstrapToken
                            (id, secretMAC, sealedSecret, description, usages, groups, createdAt, expiresAt, maxUses, usesLeft)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        value.id, try key().secretMAC(for: value.token), try key().seal(value.token), value.description,
                        value.usages.map(\.rawValue).joined(separator: ","), value.groups.joined(separator: ","),
                        now.timeIntervalSince1970, value.expires?.timeIntervalSince1970, value.maxUses, value.usesLeft,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                // An expired token that was not swept yet must not block its id (TokenCleaner would have removed it).
                if try expireTokens(db, now: now, id: value.id) > 0 && attempt < 5 { continue }
                // A generated id collided (about 1 in 2 billion per existing token): draw again.
                if request.token == nil && attempt < 5 { continue }
                throw StoreError.tokenAlreadyExists(id: value.id)
            }
            try appendAudit(.tokenCreated(value, actor: actor, now: now), db: db)
            return value
        }
    }

    /// Deletes expired tokens (all, or one id, or those matching `condition`), auditing each; returns the count.
    ///
    /// One INSERT…SELECT for the audit trail and one DELETE, both on the `expiresAt` index, so 100,000 expired
    /// tokens go in well under a second; uploads bound to the tokens go with them.
    @discardableResult
    func expireTokens(
        _ db: Database, now: Date, id: String? = nil, condition: String? = nil, arguments: StatementArguments = []
    ) throws -> Int {
        var sql = "expiresAt IS NOT NULL AND expiresAt <= ?"
        var args: StatementArguments = [now.timeIntervalSince1970]
        if let id {
            sql += " AND id = ?"
            args += [id]
        }
        if let condition {
            sql += " AND \(condition)"
            args += arguments
        }
        try db.run(
            sql: """
                INSERT INTO auditEvent (time, actor, action, tokenId, detail)
                SELECT ?, 'token-cleaner', ?, id, 'expired at ' || strftime('%Y-%m-%dT%H:%M:%SZ', expiresAt, 'unixepoch')
                FROM bootstrapToken WHERE \(sql)
                """,
            arguments: [now.timeIntervalSince1970, AuditEvent.Action.tokenExpired.rawValue] + args)
        return try deleteTokens(db, where: sql, arguments: args)
    }

    /// Deletes the tokens matching `condition` and the uploads bound to them (blobs go by cascade); returns the count.
    @discardableResult
    func deleteTokens(_ db: Database, where condition: String, arguments: StatementArguments) throws -> Int {
        try db.run(sql: "DELETE FROM bootstrapToken WHERE \(condition)", arguments: arguments)
        let deleted = db.changesCount
        if deleted > 0 {
            // The upload table holds a handful of rows, so finding the orphans is a short scan of PK probes.
            try db.run(sql: "DELETE FROM upload WHERE tokenId NOT IN (SELECT id FROM bootstrapToken)")
        }
        return deleted
    }

    func decodeToken(_ row: Row) throws -> BootstrapToken {
        let id: String = row["id"]
        let token = try key().unseal(id: id, sealed: row["sealedSecret"])
        return BootstrapToken(
            token: token, description: row["description"],
            usages: Self.splitList(row["usages"]).compactMap(TokenUsage.init(rawValue:)),
            groups: Self.splitList(row["groups"]),
            expires: (row["expiresAt"] as Double?).map(Date.init(timeIntervalSince1970:)),
            maxUses: row["maxUses"], usesLeft: row["usesLeft"], created: Date(timeIntervalSince1970: row["createdAt"]))
    }

    /// The items of a comma-separated column; split on bytes, as a `Character` split costs ~15,000 instructions a
    /// list and this runs on every token check.
    static func splitList(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: ",")).map { String(Substring($0)) }
    }
}
