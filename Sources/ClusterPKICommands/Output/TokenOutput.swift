import ClusterPKIStore
import Foundation

/// The lines of `token delete`, `token sweep` and `token authenticate` (kubeadm's texts where kubeadm has the command).
enum TokenOutput {
    static func deleted(_ id: String) -> String {
        "bootstrap token \"\(id)\" deleted"
    }

    static func swept(_ count: Int) -> String {
        "deleted \(count) expired bootstrap token\(count == 1 ? "" : "s")"
    }

    static func authenticated(_ identity: TokenAuthentication) -> [String] {
        var lines = ["user: \(identity.username)", "groups: \(identity.groups.joined(separator: ","))"]
        if let usesLeft = identity.usesLeft { lines.append("uses left: \(usesLeft)") }
        return lines
    }
}
