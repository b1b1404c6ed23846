import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation

/// Bootstrap tokens and the upload as kubeadm's Secrets, and back.
extension SecretsController {
    static func tokenID(secretName: String) -> String? {
        guard secretName.hasPrefix(tokenSecretPrefix) else { return nil }
        let id = String(secretName.dropFirst(tokenSecretPrefix.count))
        return BootstrapTokenString.isValidID(id) ? id : nil
    }

    /// A token as kubeadm stores it (spec 4.2).
    static func secret(for token: BootstrapToken) -> Secret {
        Secret(
            metadata: ObjectMeta(
                name: token.token.secretName, namespace: namespace,
                uid: KubernetesUID.derived(from: "token/\(token.id)/\(token.created.timeIntervalSince1970)"),
                resourceVersion: String(Int64(token.created.timeIntervalSince1970)),
                creationTimestamp: RFC3339.format(token.created)),
            type: BootstrapToken.secretType,
            data: token.secretData.mapValues { Data($0.utf8).base64EncodedString() })
    }

    /// The upload as the `kubeadm-certs` Secret (spec 9), owned by its proxy token.
    static func secret(for upload: Upload) -> Secret {
        let owner = "\(tokenSecretPrefix)\(upload.proxyTokenID)"
        return Secret(
            metadata: ObjectMeta(
                name: certsName, namespace: namespace,
                uid: KubernetesUID.derived(from: "upload/\(upload.proxyTokenID)"),
                resourceVersion: String(Int64(upload.created.timeIntervalSince1970)),
                creationTimestamp: RFC3339.format(upload.created),
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "v1", kind: "Secret", name: owner,
                        uid: KubernetesUID.derived(from: "token/\(upload.proxyTokenID)"), controller: true,
                        blockOwnerDeletion: true)
                ]),
            type: "Opaque",
            data: upload.blobs.mapValues { $0.base64EncodedString() })
    }

    /// Reads a `bootstrap.kubernetes.io/token` Secret (data and stringData) into a token request, with the
    /// authenticator's rules (spec 4.2, 4.4).
    static func tokenRequest(from secret: Secret, now: Date) throws -> TokenRequest {
        let name = secret.metadata.name ?? ""
        func invalid(_ problem: String) -> KubernetesStatus { .invalid(.secret(name), problem) }
        guard let nameID = tokenID(secretName: name) else {
            throw invalid(
                "metadata.name: Invalid value: \"\(name)\": must be bootstrap-token-<id> with an id of [a-z0-9]{6}")
        }
        guard secret.type == BootstrapToken.secretType else {
            throw invalid(
                "type: Unsupported value: \"\(secret.type ?? "")\": clusterpki stores only \"\(BootstrapToken.secretType)\" Secrets"
            )
        }
        let values: [String: String]
        do { values = try secret.decodedData() } catch {
            throw invalid("data[\(error.key)]: Invalid value: a Secret value must be base64-encoded UTF-8 here")
        }
        guard values["token-id"] == nameID else {
            throw invalid("data[token-id]: Invalid value: must equal the id in the name (\(nameID))")
        }
        guard let secretText = values["token-secret"],
            let token = try? BootstrapTokenString(id: nameID, secret: secretText)
        else {
            throw invalid("data[token-secret]: Invalid value: must be 16 characters of [a-z0-9]")
        }
        var expires: Date?
        if let expiration = values["expiration"], !expiration.isEmpty {
            guard let date = RFC3339.parse(expiration) else {
                throw invalid(
                    "data[expiration]: Invalid value: \"\(expiration)\": must be RFC 3339, e.g. 2026-01-01T00:00:00Z")
            }
            guard date > now else {
                throw invalid("data[expiration]: Invalid value: \"\(expiration)\": the token would already be expired")
            }
            expires = date
        }
        var usages: [TokenUsage] = []
        for usage in TokenUsage.allCases where values["usage-bootstrap-\(usage.rawValue)"] == "true" {
            usages.append(usage)
        }
        let groups = (values["auth-extra-groups"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        let request = TokenRequest(
            token: token, ttl: 0, expires: expires, usages: usages, groups: groups,
            description: values["description"] ?? "")
        do { try request.validate() } catch let error as StoreError {
            throw KubernetesStatus.failure(error, addressing: .secret(name))
        }
        return request
    }
}
