import Foundation

/// The `audit:` section of a policy: how long the store keeps audit events and how many at most.
///
/// `clusterpki serve` prunes on a schedule and `clusterpki audit prune` on demand; whichever bound is hit first
/// wins, so the audit log (and the database holding it) stays bounded whatever the request rate.
public struct AuditPolicy: Sendable, Codable, Hashable {
    /// Events older than this are deleted.
    public var maxAge: GoDuration
    /// At most this many events are kept (the newest).
    public var maxRows: Int

    /// 30 days and 100,000 events.
    public static let `default` = AuditPolicy(maxAge: GoDuration(seconds: 720 * 3600), maxRows: 100_000)

    public init(maxAge: GoDuration, maxRows: Int) {
        self.maxAge = maxAge
        self.maxRows = maxRows
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxAge = try c.decodeIfPresent(GoDuration.self, forKey: .maxAge) ?? Self.default.maxAge
        maxRows = try c.decodeIfPresent(Int.self, forKey: .maxRows) ?? Self.default.maxRows
        guard maxAge.seconds > 0 else {
            throw PKIError.policy(field: "audit.maxAge", problem: "must be positive, e.g. 720h")
        }
        guard maxRows > 0 else {
            throw PKIError.policy(field: "audit.maxRows", problem: "must be a positive count, e.g. 100000")
        }
    }

    /// Events before this time are past `maxAge` at `now`.
    public func cutoff(now: Date) -> Date { now.addingTimeInterval(-maxAge.seconds) }
}

extension PKIPolicy {
    /// The audit section, or its defaults.
    public var auditPolicy: AuditPolicy { audit ?? .default }
}
