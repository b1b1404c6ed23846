import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// Appends a caller's event.
    public func recordAuditEvent(_ event: AuditEvent) async throws {
        try await write { db in try appendAudit(event, db: db) }
    }

    /// Appends events in one transaction.
    public func recordAuditEvents(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await write { db in try appendAudits(events, db: db) }
    }

    /// Events oldest first; `limit` keeps the newest ones.
    public func auditEvents(limit: Int? = nil) async throws -> [AuditEvent] {
        try await read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, time, actor, action, tokenId, detail FROM auditEvent ORDER BY id DESC LIMIT ?",
                arguments: [limit ?? -1])
            return rows.reversed().map { row in
                var event = AuditEvent(
                    time: Date(timeIntervalSince1970: row["time"]), actor: row["actor"],
                    action: AuditEvent.Action(rawValue: row["action"]) ?? .tokenCreated, tokenID: row["tokenId"],
                    detail: row["detail"])
                event.id = row["id"]
                return event
            }
        }
    }

    /// Deletes events before `cutoff` and beyond the newest `maxRows`, in one transaction.
    ///
    /// Freed pages go to SQLite's free list and are reused by the next inserts, so once pruning runs the file stops
    /// growing instead of shrinking (no VACUUM: it would rewrite the whole database under the server's feet).
    public func pruneAuditEvents(olderThan cutoff: Date, keepingNewest maxRows: Int) async throws -> Int {
        try await write { db in
            try db.run(
                sql: """
                    DELETE FROM auditEvent WHERE time < ?
                    OR id <= (SELECT id FROM auditEvent ORDER BY id DESC LIMIT 1 OFFSET ?)
                    """,
                arguments: [cutoff.timeIntervalSince1970, max(0, maxRows)])
            return db.changesCount
        }
    }

    /// Inserts an event inside the caller's transaction, so it commits or rolls back with the operation.
    func appendAudit(_ event: AuditEvent, db: Database) throws {
        try db.run(
            sql: "INSERT INTO auditEvent (time, actor, action, tokenId, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                event.time.timeIntervalSince1970, event.actor, event.action.rawValue, event.tokenID, event.detail,
            ])
    }

    /// Inserts events in order inside the caller's transaction. One statement per row: a multi-row insert of a
    /// signed CSR's five events measured the same (~65,000 instructions), the cost being the rows, not the statements.
    func appendAudits(_ events: [AuditEvent], db: Database) throws {
        for event in events { try appendAudit(event, db: db) }
    }
}
