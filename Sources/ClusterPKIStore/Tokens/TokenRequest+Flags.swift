import ClusterPKIAPI
import ClusterPKICore
import Foundation

extension TokenRequest {
    /// A request from `token create`'s flag values, read as kubeadm reads them and validated with its rules: the TTL is
    /// a Go duration (`0` never expires, negative fails), usages and groups are repeatable comma lists.
    ///
    /// Checks run in kubeadm's order (TTL, token, usages, then groups and the use limit), so the first error matches.
    public static func parsing(
        token: String?, ttl: String, usages: [String], groups: [String], description: String, maxUses: Int?
    ) throws -> TokenRequest {
        let seconds = try parseTTL(ttl)
        if seconds < 0 { throw StoreError.negativeTTL(ttl) }
        let request = TokenRequest(
            token: try token.map { try BootstrapTokenString(parsing: $0) }, ttl: seconds,
            usages: try TokenUsage.parse(commaList(usages)), groups: commaList(groups),
            description: description, maxUses: maxUses)
        try request.validate()
        return request
    }

    /// Repeatable, comma-separated values, as cobra's string-slice flags take them: trimmed, empty ones dropped.
    public static func commaList(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter {
            !$0.isEmpty
        }
    }
}
