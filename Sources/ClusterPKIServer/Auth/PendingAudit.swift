import ClusterPKIStore
import Synchronization

/// The success audit event of a bootstrap token checked on the read-only path
/// (``TokenStore/authenticateReadOnly(_:client:now:)``), recorded exactly once: by ``CSRIssuer`` in the CSR's own
/// store transaction, or else by ``AuthenticationMiddleware`` when the request ends.
///
/// This keeps a signed CSR to one write transaction (one commit) while every authentication stays audited.
public final class PendingAudit: Sendable {
    private let state: Mutex<AuditEvent?>

    init(_ event: AuditEvent) {
        state = Mutex(event)
    }

    /// The event while nobody has recorded it yet.
    public var event: AuditEvent? { state.withLock { $0 } }

    /// Marks the event recorded; returns it if it was still pending (the caller then records it).
    @discardableResult
    public func take() -> AuditEvent? {
        state.withLock { event in
            defer { event = nil }
            return event
        }
    }
}
