import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// What `token create` asks for; validated with kubeadm's rules before anything is stored.
public struct TokenRequest: Sendable, Hashable {
    /// The token to store; `nil` means generate one.
    public var token: BootstrapTokenString?
    /// Time to live; `0` means never expires. Ignored when `expires` is set (kubeadm's precedence).
    public var ttl: TimeInterval
    /// Absolute expiry, which wins over `ttl`.
    public var expires: Date?
    public var usages: [TokenUsage]
    public var groups: [String]
    public var description: String
    /// Use limit; `nil` means unlimited.
    public var maxUses: Int?

    /// A request with kubeadm's defaults (random token, 24h, signing+authentication, the default node group).
    public init(
        token: BootstrapTokenString? = nil, ttl: TimeInterval = BootstrapToken.defaultTTL, expires: Date? = nil,
        usages: [TokenUsage] = TokenUsage.defaults, groups: [String] = BootstrapToken.defaultGroups,
        description: String = "", maxUses: Int? = nil
    ) {
        self.token = token
        self.ttl = ttl
        self.expires = expires
        self.usages = usages
        self.groups = groups
        self.description = description
        self.maxUses = maxUses
    }

    /// Checks groups, usages and the use limit with kubeadm's error texts.
    public func validate() throws {
        for group in groups { try BootstrapToken.validateGroup(group) }
        if !groups.isEmpty && !usages.contains(.authentication) { throw StoreError.groupsWithoutAuthentication }
        if let maxUses, maxUses < 1 { throw StoreError.invalidMaxUses(maxUses) }
        if ttl < 0 { throw StoreError.negativeTTL(GoDuration(seconds: ttl).description) }
    }

    /// The absolute expiry at creation time `now`, truncated to whole seconds as kubeadm's RFC 3339 Secret value is.
    public func expiration(now: Date) -> Date? {
        if let expires { return Date(timeIntervalSince1970: expires.timeIntervalSince1970.rounded(.down)) }
        guard ttl > 0 else { return nil }
        return Date(timeIntervalSince1970: (now.timeIntervalSince1970 + ttl).rounded(.down))
    }

    /// The token value this request produces at `now`, with `token` filled in.
    public func makeToken(_ token: BootstrapTokenString, now: Date) -> BootstrapToken {
        // De-duplicate groups but keep their order, so a repeated --groups value is harmless.
        var seen = Set<String>()
        let uniqueGroups = groups.filter { seen.insert($0).inserted }
        return BootstrapToken(
            token: token, description: description, usages: usages, groups: uniqueGroups,
            expires: expiration(now: now), maxUses: maxUses, usesLeft: maxUses, created: now)
    }
}

extension TokenRequest {
    /// Parses a `--ttl` value with Go's rules and error texts.
    public static func parseTTL(_ text: String) throws -> TimeInterval {
        do { return try GoDurationParser.seconds(text) } catch {
            throw StoreError.invalidDuration(text, reason: error.reason)
        }
    }
}
