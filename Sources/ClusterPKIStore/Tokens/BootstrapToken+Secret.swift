import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// A Kubernetes `v1/Secret`, just enough to export a bootstrap token as kubeadm would store it.
public struct KubernetesSecret: Sendable, Hashable, Codable {
    public struct Metadata: Sendable, Hashable, Codable {
        public var name: String
        public var namespace: String
    }

    public var apiVersion = "v1"
    public var kind = "Secret"
    public var metadata: Metadata
    public var type: String
    /// Values as raw bytes; `JSONEncoder` writes them base64-encoded, as the API server does.
    public var data: [String: Data]
}

extension BootstrapToken {
    /// The Secret type of bootstrap tokens.
    public static let secretType = "bootstrap.kubernetes.io/token"

    /// The Secret `data` keys and clear values of kubeadm's `encodeTokenSecretData`.
    public var secretData: [String: String] {
        var data = ["token-id": token.id, "token-secret": token.secret]
        if !description.isEmpty { data["description"] = description }
        if let expires { data["expiration"] = RFC3339.format(expires) }
        for usage in usages { data["usage-bootstrap-\(usage.rawValue)"] = "true" }
        if !groups.isEmpty { data["auth-extra-groups"] = groups.joined(separator: ",") }
        return data
    }

    /// The token as the Secret `kube-system/bootstrap-token-<id>` kubeadm would create.
    public var kubernetesSecret: KubernetesSecret {
        KubernetesSecret(
            metadata: .init(name: token.secretName, namespace: "kube-system"), type: Self.secretType,
            data: secretData.mapValues { Data($0.utf8) })
    }

    /// The Secret as JSON with sorted keys; it contains the token secret, so write it only where asked.
    public func kubernetesSecretJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(kubernetesSecret)
    }
}
