import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// An append-only log of store operations.
public protocol AuditLog: Sendable {
    /// Appends an event (the store records its own operations; this is for callers' events).
    func recordAuditEvent(_ event: AuditEvent) async throws
    /// Appends events together (one transaction where the backend can): a window's tallies cost one write.
    func recordAuditEvents(_ events: [AuditEvent]) async throws
    /// Events, oldest first; `limit` keeps only the newest ones.
    func auditEvents(limit: Int?) async throws -> [AuditEvent]
    /// Deletes the events older than `cutoff` and all but the newest `maxRows`; returns how many were deleted.
    func pruneAuditEvents(olderThan cutoff: Date, keepingNewest maxRows: Int) async throws -> Int
}

extension AuditLog {
    /// One event after the other, for backends without a cheaper way.
    public func recordAuditEvents(_ events: [AuditEvent]) async throws {
        for event in events { try await recordAuditEvent(event) }
    }
}
