import ClusterPKIAPI
import ClusterPKICore

/// What a bootstrap token may be used for (kubeadm's `usage-bootstrap-*` keys).
public enum TokenUsage: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case signing
    case authentication

    /// kubeadm's `KnownTokenUsages`, in kubeadm's order (used in its error text).
    public static let known: [TokenUsage] = [.signing, .authentication]

    /// kubeadm's defaults: `signing,authentication`.
    public static let defaults: [TokenUsage] = [.signing, .authentication]

    /// Parses usage strings; unknown ones fail with kubeadm's error text.
    public static func parse(_ values: [String]) throws -> [TokenUsage] {
        let invalid = Set(values.filter { TokenUsage(rawValue: $0) == nil }).sorted()
        guard invalid.isEmpty else { throw StoreError.invalidTokenUsages(invalid: invalid) }
        return values.compactMap(TokenUsage.init(rawValue:))
    }

    public static func < (lhs: TokenUsage, rhs: TokenUsage) -> Bool { lhs.rawValue < rhs.rawValue }
}
