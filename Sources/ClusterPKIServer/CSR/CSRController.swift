import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import X509

/// `certificates.k8s.io/v1` CertificateSigningRequests: create (decided and signed at once by ``CSRIssuer``), get,
/// list and watch.
struct CSRController: Sendable {
    let environment: ServerEnvironment
    let issuer: CSRIssuer
    let watcher: CSRWatch

    init(environment: ServerEnvironment, issuer: CSRIssuer) {
        self.environment = environment
        self.issuer = issuer
        let policy = environment.serverPolicy
        self.watcher = CSRWatch(
            store: environment.store, maxSeconds: policy.certificateSigningRequests.maxWatchSeconds,
            limiter: WatchLimiter(limit: policy.connections.maxWatchesPerIdentity))
    }

    static let resource = "certificatesigningrequests"
    static let group = APIPaths.certificatesGroup

    private var store: any StateStore { environment.store }

    /// Bootstrap tokens of the creator groups, nodes (their own client certificate) and admins.
    private func authorize(_ identity: Identity, verb: String) throws {
        let policy = environment.serverPolicy
        if case .token = identity, identity.isMember(ofAny: policy.certificateSigningRequests.creatorGroups) { return }
        if identity.nodeName != nil || identity.isCertificate(inAny: policy.adminOrganizations) { return }
        throw KubernetesStatus.forbidden(
            user: identity.username, verb: verb, resource: Self.resource, group: Self.group)
    }

    /// The HTTP side of a create: authorize, read and decode the body, issue, answer 201 with the stored object.
    func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        try authorize(identity, verb: "create")
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        let object = try RequestBody.decode(
            CertificateSigningRequestObject.self, from: body, what: "CertificateSigningRequest")
        let issued = try await issuer.issue(
            object, requester: identity, client: context.client, pendingAudit: context.pendingAudit)

        let signer = issued.object.spec.signerName
        // Built only when the line is logged (the logger takes metadata as an autoclosure): escaping the untrusted
        // values was 2 % of a signed CSR's instructions at the default level, which drops these lines.
        func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
            extra.merging(
                [
                    "csr": .untrusted(issued.object.metadata.name ?? ""), "signer": "\(signer)",
                    "requester": .untrusted(identity.username), "client": .untrusted(context.client),
                ], uniquingKeysWith: { first, _ in first })
        }
        if let certificate = issued.certificate {
            environment.metrics.csrSigned(signer: signer)
            context.logger.info("csr approved and signed", metadata: metadata(["serial": "\(certificate.serialHex)"]))
        } else if issued.decision.isPending {
            context.logger.notice(
                "csr pending for an admin", metadata: metadata(["reason": "\(issued.decision.reason)"]))
        } else {
            environment.metrics.csrDenied(signer: signer, reason: issued.decision.reason)
            context.logger.notice("csr denied", metadata: metadata(["reason": .untrusted(issued.decision.reason)]))
        }
        return KubernetesJSON.response(bytes: issued.json, status: .created)
    }

    func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        try authorize(identity, verb: "get")
        let name = try context.parameters.require("name")
        guard let stored = try await store.certificateRequest(named: name) else {
            throw KubernetesStatus.notFound(.certificateSigningRequest(name))
        }
        return try KubernetesJSON.response(try Self.object(stored))
    }

    func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        let query = request.uri.queryParameters
        let watch = try QueryValue.bool(query.get("watch"), name: "watch")
        let timeout = try QueryValue.nonNegativeInt(query.get("timeoutSeconds"), name: "timeoutSeconds")
        try authorize(identity, verb: watch ? "watch" : "list")
        var nameFilter: String?
        if let selector = query.get("fieldSelector"), !selector.isEmpty {
            nameFilter = try Self.nameSelector(selector)
        }
        if watch {
            return try watcher.response(
                timeoutSeconds: timeout, resourceVersion: query.get("resourceVersion"), nameFilter: nameFilter,
                user: identity.username,
                channel: context.channel)
        }
        let paging = try ListPaging(query: query)
        let version = try await store.certificateRequestsVersion()
        let items: [StoredCertificateRequest]
        if let nameFilter {
            items = try await store.certificateRequest(named: nameFilter).map { [$0] } ?? []
        } else {
            // One more than the page, to know whether another page follows.
            items = try await store.certificateRequests(
                after: paging.after, limit: paging.limit.map { min($0, Int.max - 1) + 1 })
        }
        let page = paging.page(items, resourceVersion: String(version), name: \.name)
        let list = KubernetesList(
            kind: "CertificateSigningRequestList", apiVersion: "certificates.k8s.io/v1",
            metadata: ListMeta(resourceVersion: paging.resourceVersion ?? String(version), continue: page.continue),
            items: try page.items.map(Self.object))
        return try KubernetesJSON.response(list)
    }

    static func object(_ stored: StoredCertificateRequest) throws -> CertificateSigningRequestObject {
        var object = try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: stored.object)
        object.metadata.resourceVersion = String(stored.resourceVersion)
        return object
    }

    /// `metadata.name=X` / `metadata.name==X`; other field selectors are refused, as the API server does.
    static func nameSelector(_ selector: String) throws -> String {
        for op in ["==", "="] {
            let prefix = "metadata.name\(op)"
            if selector.hasPrefix(prefix), !selector.contains(",") { return String(selector.dropFirst(prefix.count)) }
        }
        throw KubernetesStatus.badRequest(
            "unable to parse requested fieldSelector \"\(selector)\": only metadata.name=<name> is supported")
    }
}
