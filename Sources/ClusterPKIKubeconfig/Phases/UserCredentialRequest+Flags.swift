import ClusterPKICore
import Foundation

extension UserCredentialRequest {
    /// `--org` values: repeatable and comma-separated, each trimmed. Empty entries are kept so that
    /// ``UserCredentialMinter/validate(_:)`` rejects them instead of silently dropping a typo such as `dev,,ops`.
    public static func organizations(fromFlags values: [String]) -> [String] {
        values.flatMap { value in
            value.split(separator: ",", omittingEmptySubsequences: false).map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
        }
    }
}
