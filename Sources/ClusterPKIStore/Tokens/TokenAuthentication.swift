import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Who a successfully presented bootstrap token authenticates as.
public struct TokenAuthentication: Sendable, Hashable, Codable {
    /// The token id.
    public var tokenID: String
    /// `system:bootstrap:<id>`.
    public var username: String
    /// `system:bootstrappers` plus the extra groups, de-duplicated and sorted.
    public var groups: [String]
    /// Uses left after this one; `nil` means unlimited.
    public var usesLeft: Int?

    /// Builds the identity of `token`, as the API server's bootstrap authenticator does.
    public init(token: BootstrapToken, usesLeft: Int?) {
        self.tokenID = token.id
        self.username = "system:bootstrap:\(token.id)"
        self.groups = Array(Set([BootstrapToken.baseGroup] + token.groups)).sorted()
        self.usesLeft = usesLeft
    }
}

/// When failed authentications lock out a token id or a client.
public struct TokenAuthPolicy: Sendable, Hashable, Codable {
    /// Failures within `window` that trigger a lock-out.
    public var maxFailures: Int
    /// Seconds over which failures are counted.
    public var window: TimeInterval
    /// Seconds a token id or client stays locked out.
    public var backoff: TimeInterval
    /// When false the store neither counts failures nor audits them one by one: the caller throttles and tallies
    /// them itself (`clusterpki serve` does, in memory, so that an attacker's requests cost no database write).
    public var recordsFailures: Bool

    /// A policy; the defaults allow 5 failures a minute, then lock out for 5 minutes.
    public init(
        maxFailures: Int = 5, window: TimeInterval = 60, backoff: TimeInterval = 300, recordsFailures: Bool = true
    ) {
        self.maxFailures = max(1, maxFailures)
        self.window = window
        self.backoff = backoff
        self.recordsFailures = recordsFailures
    }

    /// The default policy.
    public static let `default` = TokenAuthPolicy()
}

extension TokenAuthPolicy {
    /// The brute-force limits a policy file sets (`tokenAuthentication:`).
    public init(_ policy: TokenAuthenticationPolicy) {
        self.init(maxFailures: policy.maxFailures, window: policy.window.seconds, backoff: policy.backoff.seconds)
    }
}
