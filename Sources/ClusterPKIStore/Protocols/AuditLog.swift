import ClusterPKIAPI
import ClusterPKICore

/// An append-only log of store operations.
public protocol AuditLog: Sendable {
    /// Appends an event (the store records its own operations; this is for callers' events).
    func recordAuditEvent(_ event: AuditEvent) async throws
    /// Events, oldest first; `limit` keeps only the newest ones.
    func auditEvents(limit: Int?) async throws -> [AuditEvent]
}
