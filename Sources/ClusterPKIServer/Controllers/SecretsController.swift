import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging

/// `v1` Secrets in `kube-system`: bootstrap tokens (admins) and the `kubeadm-certs` upload (joining control planes).
struct SecretsController: Sendable {
    let environment: ServerEnvironment
    let authenticator: Authenticator
    let clusterInfo: ClusterInfoPublisher

    static let namespace = "kube-system"
    static let certsName = Upload.kubeadmCertsName
    static let tokenSecretPrefix = "bootstrap-token-"
    /// kubeadm's message for an expired or missing upload (spec 6.4).
    static let reuploadHint =
        "this Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` (or POST /apis/clusterpki.io/v1alpha1/certificateuploads) on a control plane to generate a new one"

    private var store: any StateStore { environment.store }
    private var admins: [String] { environment.serverPolicy.adminOrganizations }

    private func requireAdmin(_ identity: Identity, verb: String, namespace: String, name: String? = nil) throws {
        guard identity.isCertificate(inAny: admins) else {
            throw KubernetesStatus.forbidden(user: identity.username, verb: verb, resource: "secrets", namespace: namespace, name: name)
        }
    }

    func list(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        let namespace = try context.parameters.require("namespace")
        try requireAdmin(identity, verb: "list", namespace: namespace)
        var items: [Secret] = []
        if namespace == Self.namespace {
            let now = environment.now()
            items = try await store.listTokens(now: now).map(Self.secret(for:))
            if let upload = try? await store.upload(named: Self.certsName, now: now) { items.append(Self.secret(for: upload)) }
            items.sort { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        }
        return try KubernetesJSON.response(
            KubernetesList(kind: "SecretList", apiVersion: "v1", metadata: ListMeta(resourceVersion: "1"), items: items))
    }

    func get(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        let namespace = try context.parameters.require("namespace")
        let name = try context.parameters.require("name")
        if namespace == Self.namespace && name == Self.certsName {
            return try await getUpload(identity, request: request, context: context)
        }
        try requireAdmin(identity, verb: "get", namespace: namespace, name: name)
        guard namespace == Self.namespace, let id = Self.tokenID(secretName: name),
            let token = try await store.token(id: id, now: environment.now())
        else { throw KubernetesStatus.notFound("secrets", name: name) }
        return try KubernetesJSON.response(Self.secret(for: token))
    }

    /// `kube-system/kubeadm-certs`: the sealed shared certificates, for a bootstrap token of an allowed group.
    private func getUpload(_ identity: Identity, request: Request, context: ServerContext) async throws -> Response {
        let policy = environment.serverPolicy.certsDownload
        let isAllowedToken: Bool = {
            if case .token = identity { return identity.isMember(ofAny: policy.groups) }
            return false
        }()
        let client = environment.peer.address(for: request, context: context)
        guard isAllowedToken || identity.isCertificate(inAny: admins) else {
            environment.metrics.uploadFetch(result: "forbidden")
            context.logger.notice("kubeadm-certs fetch forbidden", metadata: ["user": "\(identity.username)", "client": "\(client)"])
            throw KubernetesStatus.forbidden(
                user: identity.username, verb: "get", resource: "secrets", namespace: Self.namespace, name: Self.certsName)
        }
        let now = environment.now()
        let upload: Upload
        let fetches: Int
        do {
            upload = try await store.upload(named: Self.certsName, now: now)
            fetches = try await store.countUploadFetch(
                name: Self.certsName, actor: "\(identity.username)@\(client)", tokenID: CSRController.tokenID(identity), now: now)
        } catch StoreError.uploadNotFound {
            environment.metrics.uploadFetch(result: "not_found")
            throw KubernetesStatus.notFound("secrets", name: Self.certsName, hint: Self.reuploadHint)
        }
        if policy.maxFetchesPerUpload > 0 && fetches > policy.maxFetchesPerUpload {
            environment.metrics.uploadFetch(result: "limit")
            context.logger.notice(
                "kubeadm-certs fetch limit reached", metadata: ["user": "\(identity.username)", "client": "\(client)", "fetches": "\(fetches)"])
            throw KubernetesStatus.notFound(
                "secrets", name: Self.certsName,
                hint: "this upload was already fetched \(policy.maxFetchesPerUpload) times, the limit of the policy (server.certsDownload.maxFetchesPerUpload); upload the certificates again")
        }
        environment.metrics.uploadFetch(result: "ok")
        context.logger.info("kubeadm-certs fetched", metadata: ["user": "\(identity.username)", "client": "\(client)", "fetch": "\(fetches)"])
        return try KubernetesJSON.response(Self.secret(for: upload))
    }

    func create(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        let namespace = try context.parameters.require("namespace")
        try requireAdmin(identity, verb: "create", namespace: namespace)
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        let secret = try RequestBody.decode(Secret.self, from: body, what: "Secret")
        let name = secret.metadata.name ?? ""
        guard namespace == Self.namespace, secret.metadata.namespace == nil || secret.metadata.namespace == namespace else {
            throw KubernetesStatus.forbidden(
                user: identity.username, verb: "create", resource: "secrets", namespace: namespace,
                why: "clusterpki stores only bootstrap-token Secrets in kube-system")
        }
        let now = environment.now()
        let tokenRequest = try Self.tokenRequest(from: secret, now: now)
        let token: BootstrapToken
        do {
            token = try await store.createToken(tokenRequest, actor: identity.username, now: now)
        } catch StoreError.tokenAlreadyExists {
            throw KubernetesStatus.alreadyExists("secrets", name: name)
        } catch let error as StoreError {
            throw KubernetesStatus.invalid("secrets", name: name, error.message)
        }
        clusterInfo.invalidate()
        context.logger.info("bootstrap token created", metadata: ["token": "\(token.id)", "by": "\(identity.username)"])
        return try KubernetesJSON.response(Self.secret(for: token), status: .created)
    }

    func delete(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        let namespace = try context.parameters.require("namespace")
        let name = try context.parameters.require("name")
        try requireAdmin(identity, verb: "delete", namespace: namespace, name: name)
        let now = environment.now()
        do {
            if namespace == Self.namespace, name == Self.certsName {
                try await store.deleteUpload(named: name, actor: identity.username, now: now)
            } else if namespace == Self.namespace, let id = Self.tokenID(secretName: name) {
                try await store.deleteToken(id: id, actor: identity.username, now: now)
                clusterInfo.invalidate()
            } else {
                throw KubernetesStatus.notFound("secrets", name: name)
            }
        } catch StoreError.tokenNotFound, StoreError.uploadNotFound {
            throw KubernetesStatus.notFound("secrets", name: name)
        }
        context.logger.info("secret deleted", metadata: ["secret": "\(name)", "by": "\(identity.username)"])
        return try KubernetesJSON.response(StatusObject(status: "Success", details: .init(name: name, kind: "secrets")))
    }

    // MARK: Conversions

    static func tokenID(secretName: String) -> String? {
        guard secretName.hasPrefix(tokenSecretPrefix) else { return nil }
        let id = String(secretName.dropFirst(tokenSecretPrefix.count))
        return BootstrapTokenString.isValidID(id) ? id : nil
    }

    /// A stable UUID-shaped uid from a name and a creation time.
    static func uid(_ seed: String) -> String { KubernetesUID.derived(from: seed) }

    /// A token as kubeadm stores it (spec 4.2).
    static func secret(for token: BootstrapToken) -> Secret {
        Secret(
            metadata: ObjectMeta(
                name: token.token.secretName, namespace: namespace, uid: uid("token/\(token.id)/\(token.created.timeIntervalSince1970)"),
                resourceVersion: String(Int64(token.created.timeIntervalSince1970)), creationTimestamp: RFC3339.format(token.created)),
            type: BootstrapToken.secretType,
            data: token.secretData.mapValues { Data($0.utf8).base64EncodedString() })
    }

    /// The upload as the `kubeadm-certs` Secret (spec 9), owned by its proxy token.
    static func secret(for upload: Upload) -> Secret {
        let owner = "\(tokenSecretPrefix)\(upload.proxyTokenID)"
        return Secret(
            metadata: ObjectMeta(
                name: certsName, namespace: namespace, uid: uid("upload/\(upload.proxyTokenID)"),
                resourceVersion: String(Int64(upload.created.timeIntervalSince1970)), creationTimestamp: RFC3339.format(upload.created),
                ownerReferences: [
                    OwnerReference(apiVersion: "v1", kind: "Secret", name: owner, uid: uid("token/\(upload.proxyTokenID)"), controller: true, blockOwnerDeletion: true)
                ]),
            type: "Opaque",
            data: upload.blobs.mapValues { $0.base64EncodedString() })
    }

    /// Reads a `bootstrap.kubernetes.io/token` Secret (data and stringData) into a token request, with the
    /// authenticator's rules (spec 4.2, 4.4).
    static func tokenRequest(from secret: Secret, now: Date) throws -> TokenRequest {
        let name = secret.metadata.name ?? ""
        func invalid(_ problem: String) -> KubernetesStatus { .invalid("secrets", name: name, problem) }
        guard let nameID = tokenID(secretName: name) else {
            throw invalid("metadata.name: Invalid value: \"\(name)\": must be bootstrap-token-<id> with an id of [a-z0-9]{6}")
        }
        guard secret.type == BootstrapToken.secretType else {
            throw invalid("type: Unsupported value: \"\(secret.type ?? "")\": clusterpki stores only \"\(BootstrapToken.secretType)\" Secrets")
        }
        let values: [String: String]
        do { values = try secret.decodedData() } catch {
            throw invalid("data[\(error.key)]: Invalid value: a Secret value must be base64-encoded UTF-8 here")
        }
        guard values["token-id"] == nameID else { throw invalid("data[token-id]: Invalid value: must equal the id in the name (\(nameID))") }
        guard let secretText = values["token-secret"], let token = try? BootstrapTokenString(id: nameID, secret: secretText) else {
            throw invalid("data[token-secret]: Invalid value: must be 16 characters of [a-z0-9]")
        }
        var expires: Date?
        if let expiration = values["expiration"], !expiration.isEmpty {
            guard let date = RFC3339.parse(expiration) else {
                throw invalid("data[expiration]: Invalid value: \"\(expiration)\": must be RFC 3339, e.g. 2026-01-01T00:00:00Z")
            }
            guard date > now else { throw invalid("data[expiration]: Invalid value: \"\(expiration)\": the token would already be expired") }
            expires = date
        }
        var usages: [TokenUsage] = []
        for usage in TokenUsage.allCases where values["usage-bootstrap-\(usage.rawValue)"] == "true" { usages.append(usage) }
        let groups = (values["auth-extra-groups"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let request = TokenRequest(token: token, ttl: 0, expires: expires, usages: usages, groups: groups, description: values["description"] ?? "")
        do { try request.validate() } catch let error as StoreError { throw invalid(error.message) }
        return request
    }
}
