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

    /// Inserts an event inside the caller's transaction, so it commits or rolls back with the operation.
    func appendAudit(_ event: AuditEvent, db: Database) throws {
        try db.run(
            sql: "INSERT INTO auditEvent (time, actor, action, tokenId, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [event.time.timeIntervalSince1970, event.actor, event.action.rawValue, event.tokenID, event.detail])
    }
}
