import ClusterPKIAPI
import ClusterPKICore
import Foundation

extension AuditEvent {
    /// The event of storing `token`: what `token list` shows of it, never the secret (shared by every backend).
    package static func tokenCreated(_ token: BootstrapToken, actor: String, now: Date) -> AuditEvent {
        let detail = [
            "usages=\(token.usages.map(\.rawValue).joined(separator: ","))",
            "groups=\(token.groups.joined(separator: ","))",
            "expires=\(token.expires.map(RFC3339.format) ?? "never")",
            token.maxUses.map { "maxUses=\($0)" },
        ].compactMap { $0 }.joined(separator: " ")
        return AuditEvent(time: now, actor: actor, action: .tokenCreated, tokenID: token.id, detail: detail)
    }

    /// The event of deleting the expired token `id`, as kube-controller-manager's TokenCleaner would.
    package static func tokenExpired(id: String, expired: Date, now: Date) -> AuditEvent {
        AuditEvent(
            time: now, actor: "token-cleaner", action: .tokenExpired, tokenID: id,
            detail: "expired at \(RFC3339.format(expired))")
    }
}

extension BootstrapTokenString {
    /// The presented text with anything after the first dot hidden: a near-miss may be most of a real secret.
    package static func redacted(_ presented: String) -> String {
        guard let dot = presented.firstIndex(of: ".") else {
            return presented.count > 6 ? "<redacted>" : presented
        }
        return "\(presented[..<dot]).<redacted>"
    }
}
