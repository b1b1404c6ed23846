import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// A stored bootstrap token with kubeadm's fields, plus clusterpki's use limit.
public struct BootstrapToken: Sendable, Hashable {
    /// The token itself; its secret is printed only where the user asked for it.
    public var token: BootstrapTokenString
    /// Free text; empty means none.
    public var description: String
    /// Usages, sorted as kubeadm reads them back from the Secret.
    public var usages: [TokenUsage]
    /// Extra groups (each `system:bootstrappers:…`), in the order given.
    public var groups: [String]
    /// Absolute expiry; `nil` means the token never expires.
    public var expires: Date?
    /// Uses granted at creation (`--max-uses`); `nil` means unlimited.
    public var maxUses: Int?
    /// Uses left; `nil` means unlimited.
    public var usesLeft: Int?
    /// When the token was created.
    public var created: Date

    /// Creates a token value; validation happens in ``TokenRequest``.
    public init(
        token: BootstrapTokenString, description: String = "", usages: [TokenUsage], groups: [String],
        expires: Date?, maxUses: Int? = nil, usesLeft: Int? = nil, created: Date
    ) {
        self.token = token
        self.description = description
        self.usages = Array(Set(usages)).sorted()
        self.groups = groups
        self.expires = expires
        self.maxUses = maxUses
        self.usesLeft = usesLeft ?? maxUses
        self.created = created
    }

    /// The token id, `[a-z0-9]{6}`.
    public var id: String { token.id }

    /// Whether the token is expired at `now` (an expiry equal to `now` counts as expired).
    public func isExpired(at now: Date) -> Bool {
        guard let expires else { return false }
        return expires <= now
    }

    /// kubeadm's `BootstrapGroupPattern`, used verbatim in error messages.
    public static let groupPattern = #"\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\z"#
    /// The group every bootstrap-token user belongs to.
    public static let baseGroup = "system:bootstrappers"
    /// kubeadm's default extra group.
    public static let defaultGroups = ["system:bootstrappers:kubeadm:default-node-token"]
    /// kubeadm's default TTL, 24 hours.
    public static let defaultTTL: TimeInterval = 24 * 3600

    /// Checks one extra group against kubeadm's group pattern.
    public static func validateGroup(_ group: String) throws {
        let prefix = Array("system:bootstrappers:".utf8)
        let bytes = Array(group.utf8)
        func alnum(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x61...0x7a).contains(b) }
        guard bytes.count > prefix.count, bytes.count <= prefix.count + 256, bytes.starts(with: prefix),
            let last = bytes.last, alnum(last),
            bytes[prefix.count..<(bytes.count - 1)].allSatisfy({
                alnum($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-")
            })
        else { throw StoreError.invalidTokenGroup(group) }
    }
}

extension BootstrapToken: CustomDebugStringConvertible {
    // Keeps `print(token)` and string interpolation from revealing the secret.
    public var debugDescription: String {
        "BootstrapToken(\(token), usages: \(usages.map(\.rawValue)), groups: \(groups), expires: \(expires.map(RFC3339.format) ?? "never"))"
    }
}
