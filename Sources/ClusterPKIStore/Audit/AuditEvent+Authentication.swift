import Foundation

extension AuditEvent {
    /// A successful bootstrap-token authentication from `client` (`usesLeft=N` for a token with a use limit): the one
    /// definition both stores' write paths and the read-only path's callers record.
    public static func authenticatedToken(_ identity: TokenAuthentication, client: String, now: Date) -> AuditEvent {
        AuditEvent(
            time: now, actor: client, action: .authenticated, tokenID: identity.tokenID,
            detail: identity.usesLeft.map { "usesLeft=\($0)" } ?? "")
    }
}
