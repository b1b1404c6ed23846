import ClusterPKIKubeconfig
import Foundation

/// The YAML of a minted kubeconfig in the `UserKubeconfig` API object: client-go's layout (spec 2.2), the one
/// ``KubeConfig/yaml()`` writes, with every name double-quoted, as this endpoint has always returned it (a
/// user name needs no escaping rules of its own that way).
enum UserKubeconfigYAML {
    /// Renders a single-cluster, single-user kubeconfig with embedded credentials, as the minter makes it.
    static func render(_ config: KubeConfig) -> String {
        let cluster = config.clusters.first
        let context = config.contexts.first
        let user = config.users.first
        var lines = ["apiVersion: \(config.apiVersion)", "clusters:", "- cluster:"]
        if let data = cluster?.cluster.certificateAuthorityData {
            lines.append("    certificate-authority-data: \(data)")
        }
        lines += [
            "    server: \(quote(cluster?.cluster.server ?? ""))", "  name: \(quote(cluster?.name ?? ""))",
            "contexts:", "- context:", "    cluster: \(quote(context?.context.cluster ?? ""))",
            "    user: \(quote(context?.context.user ?? ""))",
            "  name: \(quote(context?.name ?? ""))", "current-context: \(quote(config.currentContext))",
            "kind: \(config.kind)",
            "preferences: {}", "users:", "- name: \(quote(user?.name ?? ""))", "  user:",
        ]
        if let data = user?.user.clientCertificateData { lines.append("    client-certificate-data: \(data)") }
        if let data = user?.user.clientKeyData { lines.append("    client-key-data: \(data)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    static func quote(_ value: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
