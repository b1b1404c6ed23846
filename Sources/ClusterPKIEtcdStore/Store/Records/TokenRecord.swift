import ClusterPKIStore
import Foundation

/// A bootstrap token as stored at `tokens/<id>`: the keyed hash and the sealed secret, never the secret itself.
struct TokenRecord: Codable, Sendable, Hashable {
    var secretMAC: Data
    var sealedSecret: Data
    var description: String
    var usages: [TokenUsage]
    var groups: [String]
    var created: Date
    /// The authority on expiry: checked on every read, since the lease can outlive it.
    var expires: Date?
    var maxUses: Int?
    var usesLeft: Int?
    /// The upload this token is the proxy of; the two are written and deleted together.
    var upload: String?

    /// Whether the token is expired at `now` (an expiry equal to `now` counts as expired, as in SQLite).
    func isExpired(at now: Date) -> Bool {
        guard let expires else { return false }
        return expires <= now
    }
}
