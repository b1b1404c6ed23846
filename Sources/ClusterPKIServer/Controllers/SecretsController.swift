import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging

/// `v1` Secrets in `kube-system`: bootstrap tokens (admins) and the `kubeadm-certs` upload (joining control planes).
struct SecretsController: Sendable {
    let environment: ServerEnvironment
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
            throw KubernetesStatus.forbidden(
                user: identity.username, verb: verb, resource: "secrets", namespace: namespace, name: name)
        }
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        let namespace = try context.parameters.require("namespace")
        try requireAdmin(identity, verb: "list", namespace: namespace)
        let paging = try ListPaging(query: request.uri.queryParameters)
        var items: [Secret] = []
        if namespace == Self.namespace {
            let now = environment.now()
            items = try await store.listTokens(now: now).map(Self.secret(for:))
            if let upload = try? await store.upload(named: Self.certsName, now: now) {
                items.append(Self.secret(for: upload))
            }
            items.sort { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        }
        // Tokens and the upload are few and read whole: the page is cut here, not in the store.
        let page = paging.page(items, resourceVersion: "1", name: { $0.metadata.name ?? "" })
        return try KubernetesJSON.response(
            KubernetesList(
                kind: "SecretList", apiVersion: "v1", metadata: ListMeta(resourceVersion: "1", continue: page.continue),
                items: page.items))
    }

    func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        let namespace = try context.parameters.require("namespace")
        let name = try context.parameters.require("name")
        if namespace == Self.namespace && name == Self.certsName {
            return try await getUpload(identity, context: context)
        }
        try requireAdmin(identity, verb: "get", namespace: namespace, name: name)
        guard namespace == Self.namespace, let id = Self.tokenID(secretName: name),
            let token = try await store.token(id: id, now: environment.now())
        else { throw KubernetesStatus.notFound(.secret(name)) }
        return try KubernetesJSON.response(Self.secret(for: token))
    }

    /// `kube-system/kubeadm-certs`: the sealed shared certificates, for a bootstrap token of an allowed group.
    private func getUpload(_ identity: Identity, context: AuthenticatedContext) async throws -> Response {
        let policy = environment.serverPolicy.certsDownload
        let isAllowedToken: Bool = {
            if case .token = identity { return identity.isMember(ofAny: policy.groups) }
            return false
        }()
        let client = context.client
        guard isAllowedToken || identity.isCertificate(inAny: admins) else {
            environment.metrics.uploadFetch(result: "forbidden")
            context.logger.notice(
                "kubeadm-certs fetch forbidden",
                metadata: ["user": .untrusted(identity.username), "client": .untrusted(client)])
            throw KubernetesStatus.forbidden(
                user: identity.username, verb: "get", resource: "secrets", namespace: Self.namespace,
                name: Self.certsName)
        }
        let now = environment.now()
        let upload: Upload
        let fetches: Int
        do {
            upload = try await store.upload(named: Self.certsName, now: now)
            fetches = try await store.countUploadFetch(
                name: Self.certsName, actor: "\(identity.username)@\(client)", tokenID: identity.tokenID, now: now)
        } catch let error as StoreError {
            if case .uploadNotFound = error { environment.metrics.uploadFetch(result: "not_found") }
            throw KubernetesStatus.failure(error, addressing: .secret(Self.certsName, hint: Self.reuploadHint))
        }
        if policy.maxFetchesPerUpload > 0 && fetches > policy.maxFetchesPerUpload {
            environment.metrics.uploadFetch(result: "limit")
            context.logger.notice(
                "kubeadm-certs fetch limit reached",
                metadata: [
                    "user": .untrusted(identity.username), "client": .untrusted(client), "fetches": "\(fetches)",
                ])
            throw KubernetesStatus.notFound(
                .secret(
                    Self.certsName,
                    hint:
                        "this upload was already fetched \(policy.maxFetchesPerUpload) times, the limit of the policy (server.certsDownload.maxFetchesPerUpload); upload the certificates again"
                ))
        }
        environment.metrics.uploadFetch(result: "ok")
        context.logger.info(
            "kubeadm-certs fetched",
            metadata: ["user": .untrusted(identity.username), "client": .untrusted(client), "fetch": "\(fetches)"])
        return try KubernetesJSON.response(Self.secret(for: upload))
    }

    func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        let namespace = try context.parameters.require("namespace")
        try requireAdmin(identity, verb: "create", namespace: namespace)
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        let secret = try RequestBody.decode(Secret.self, from: body, what: "Secret")
        let name = secret.metadata.name ?? ""
        guard namespace == Self.namespace, secret.metadata.namespace == nil || secret.metadata.namespace == namespace
        else {
            throw KubernetesStatus.forbidden(
                user: identity.username, verb: "create", resource: "secrets", namespace: namespace,
                why: "clusterpki stores only bootstrap-token Secrets in kube-system")
        }
        let now = environment.now()
        let tokenRequest = try Self.tokenRequest(from: secret, now: now)
        let token = try await KubernetesStatus.addressing(.secret(name)) {
            try await store.createToken(tokenRequest, actor: identity.username, now: now)
        }
        clusterInfo.invalidate()
        context.logger.info(
            "bootstrap token created", metadata: ["token": "\(token.id)", "by": .untrusted(identity.username)])
        return try KubernetesJSON.response(Self.secret(for: token), status: .created)
    }

    func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        let namespace = try context.parameters.require("namespace")
        let name = try context.parameters.require("name")
        try requireAdmin(identity, verb: "delete", namespace: namespace, name: name)
        let now = environment.now()
        try await KubernetesStatus.addressing(.secret(name)) {
            if namespace == Self.namespace, name == Self.certsName {
                try await store.deleteUpload(named: name, actor: identity.username, now: now)
            } else if namespace == Self.namespace, let id = Self.tokenID(secretName: name) {
                try await store.deleteToken(id: id, actor: identity.username, now: now)
                clusterInfo.invalidate()
            } else {
                throw KubernetesStatus.notFound(.secret(name))
            }
        }
        context.logger.info(
            "secret deleted", metadata: ["secret": .untrusted(name), "by": .untrusted(identity.username)])
        return try KubernetesJSON.response(StatusObject(status: "Success", details: .init(name: name, kind: "secrets")))
    }
}
