import Foundation

/// Where a policy comes from: a file on disk, or the copy compiled into the binary (``EmbeddedPolicies``).
public enum PolicySource: Sendable, Hashable, CustomStringConvertible {
    case file(URL)
    case embedded(name: String)

    public var description: String {
        switch self {
        case .file(let url): return url.path
        case .embedded(let name): return "\(name) (built in)"
        }
    }
}

extension PKIPolicy {
    /// Loads the policy `nameOrPath` (nil: kubeadm) from where ``PolicyLocator`` finds it.
    public init(locating nameOrPath: String?) throws {
        try self.init(source: PolicyLocator.locate(nameOrPath))
    }

    /// Loads the policy at `source`.
    public init(source: PolicySource) throws {
        switch source {
        case .file(let url):
            try self.init(contentsOf: url)
        case .embedded(let name):
            guard let text = EmbeddedPolicies.text(named: name) else {
                throw PKIError.policy(field: name, problem: "no built-in policy of that name; pass --policy FILE")
            }
            try self.init(yaml: text, source: "\(name) (built in)")
        }
    }
}
