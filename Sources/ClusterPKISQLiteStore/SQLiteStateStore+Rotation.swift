import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// The recorded phase of `subject`.
    public func rotationPhase(_ subject: String) async throws -> RotationPhase? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT subject, phase, updatedAt, actor, detail FROM rotationPhase WHERE subject = ?",
                arguments: [subject]
            ).map { row in
                RotationPhase(
                    subject: row["subject"], phase: row["phase"],
                    updatedAt: Date(timeIntervalSince1970: row["updatedAt"]),
                    actor: row["actor"], detail: row["detail"])
            }
        }
    }

    /// Upserts the phase and audits it in one transaction.
    public func recordRotationPhase(_ phase: RotationPhase) async throws {
        try await write { db in
            try db.run(
                sql: """
                    INSERT INTO rotationPhase (subject, phase, updatedAt, actor, detail) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(subject) DO UPDATE SET phase = excluded.phase, updatedAt = excluded.updatedAt,
                        actor = excluded.actor, detail = excluded.detail
                    """,
                arguments: [
                    phase.subject, phase.phase, phase.updatedAt.timeIntervalSince1970, phase.actor, phase.detail,
                ])
            try appendAudit(
                AuditEvent(
                    time: phase.updatedAt, actor: phase.actor, action: .rotationPhase,
                    detail: "\(phase.subject) \(phase.phase) \(phase.detail)"),
                db: db)
        }
    }
}
