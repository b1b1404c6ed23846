import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import X509

/// `certificates.k8s.io/v1` CertificateSigningRequests: create (decided and signed at once), get, list and watch.
struct CSRController: Sendable {
    let environment: ServerEnvironment
    let authenticator: Authenticator

    static let resource = "certificatesigningrequests"
    static let group = "certificates.k8s.io"

    private var approver: CSRApprover { CSRApprover(policy: environment.serverPolicy) }
    private var store: any StateStore { environment.store }

    /// Bootstrap tokens of the creator groups, nodes (their own client certificate) and admins.
    private func authorize(_ identity: Identity, verb: String) throws {
        let policy = environment.serverPolicy
        if case .token = identity, identity.isMember(ofAny: policy.certificateSigningRequests.creatorGroups) { return }
        if identity.nodeName != nil || identity.isCertificate(inAny: policy.adminOrganizations) { return }
        throw KubernetesStatus.forbidden(user: identity.username, verb: verb, resource: Self.resource, group: Self.group)
    }

    func create(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        try authorize(identity, verb: "create")
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        var object = try RequestBody.decode(CertificateSigningRequestObject.self, from: body, what: "CertificateSigningRequest")
        let name = try Self.name(for: object.metadata)
        func invalid(_ problem: String) -> KubernetesStatus { .invalid(Self.resource, group: Self.group, name: name, problem) }

        guard let pemBytes = Data(base64Encoded: object.spec.request), let pem = String(data: pemBytes, encoding: .utf8),
            let csr = try? CertificateSigningRequest(pemEncoded: pem)
        else { throw invalid("spec.request: Invalid value: PEM block type must be CERTIFICATE REQUEST") }
        guard !object.spec.signerName.isEmpty else { throw invalid("spec.signerName: Required value") }
        let usages = object.spec.usages ?? []
        guard !usages.isEmpty else { throw invalid("spec.usages: Required value") }
        if let seconds = object.spec.expirationSeconds, seconds < 600 {
            throw invalid("spec.expirationSeconds: Invalid value: \(seconds): may not specify a duration less than 600 seconds (10 minutes)")
        }
        let declaredIPs = try Self.declaredNodeIPs(object.metadata.annotations, invalid: invalid)
        // A taken name is found by the insert below (a primary key), which keeps a request to one write transaction.

        let now = environment.now()
        object.kind = "CertificateSigningRequest"
        object.apiVersion = "certificates.k8s.io/v1"
        object.metadata.name = name
        object.metadata.namespace = nil
        object.metadata.uid = UUID().uuidString.lowercased()
        object.metadata.creationTimestamp = RFC3339.format(now)
        object.metadata.resourceVersion = nil
        // Set by the API server from the authenticated requester, never from the body.
        object.spec.username = identity.username
        object.spec.groups = identity.groups
        object.spec.uid = ""
        object.spec.extra = [:]

        let review = try CSRReview(csr: csr, signerName: object.spec.signerName, usages: usages, requester: identity)
        var node: NodeRecord?
        if review.signerName == CertificateSigningRequestObject.kubeletServingSigner, let nodeName = identity.nodeName {
            node = try await store.node(named: nodeName)
        }
        let decision = approver.decide(review, node: node)
        let stamp = RFC3339.format(now)
        var issued: Certificate?
        switch decision {
        case .approve(let message):
            let certificate = try CSRSigner(authority: environment.authority, policy: environment.policy)
                .sign(review, publicKey: csr.publicKey, expirationSeconds: object.spec.expirationSeconds, now: now)
            issued = certificate
            object.status = .init(
                conditions: [
                    .init(type: "Approved", status: "True", reason: "AutoApproved", message: message, lastUpdateTime: stamp, lastTransitionTime: stamp)
                ],
                certificate: Data(try PEMCertificates.encode([certificate]).utf8).base64EncodedString())
        case .deny(let reason, let message):
            object.status = .init(
                conditions: [.init(type: "Denied", status: "True", reason: reason, message: message, lastUpdateTime: stamp, lastTransitionTime: stamp)],
                certificate: nil)
        }

        let client = environment.peer.address(for: request, context: context)
        let actor = "\(identity.username)@\(client)"
        var logMetadata: Logger.Metadata = [
            "csr": "\(name)", "signer": "\(review.signerName)", "requester": "\(identity.username)", "client": "\(client)",
        ]
        var records = CertificateRequestRecords()
        if let issued {
            let serial = issued.serialHex
            logMetadata["serial"] = "\(serial)"
            records.auditEvents.append(
                AuditEvent(time: now, actor: actor, action: .certificateRequestApproved, tokenID: Self.tokenID(identity), detail: "\(name) serial=\(serial)"))
            records.credential = try IssuedCredential(
                serial: serial, commonName: review.commonName, organizations: review.organizations, notAfter: issued.notValidAfter,
                created: now, actor: identity.username)
            // A join (not a renewal) records where the node is, for its serving certificate later.
            if review.signerName == CertificateSigningRequestObject.kubeletClientSigner, identity.nodeName == nil {
                let nodeName = String(review.commonName.dropFirst("system:node:".count))
                var addresses = [String]()
                if let remote = IPAddress(client) { addresses.append(remote.description) }
                for ip in declaredIPs where !addresses.contains(ip.description) { addresses.append(ip.description) }
                records.node = NodeRecord(name: nodeName, addresses: addresses, recorded: now, recordedBy: actor)
            }
        } else {
            records.auditEvents.append(
                AuditEvent(time: now, actor: actor, action: .certificateRequestDenied, tokenID: Self.tokenID(identity), detail: "\(name) reason=\(decision.reason)"))
            logMetadata["reason"] = "\(decision.reason)"
        }

        // The request, its audit event, the ledger row and the node record commit together (or not at all).
        let encoded = try KubernetesJSON.encode(object)
        let stored: StoredCertificateRequest
        do {
            stored = try await store.createCertificateRequest(
                name: name, requester: identity.username, object: encoded, now: now, recording: records)
        } catch StoreError.certificateRequestAlreadyExists {
            throw KubernetesStatus.alreadyExists(Self.resource, group: Self.group, name: name)
        }
        if issued != nil {
            environment.metrics.csrSigned(signer: review.signerName)
            context.logger.info("csr approved and signed", metadata: logMetadata)
        } else {
            environment.metrics.csrDenied(signer: review.signerName, reason: decision.reason)
            context.logger.notice("csr denied", metadata: logMetadata)
        }
        if let body = KubernetesJSON.settingResourceVersion(stored.resourceVersion, in: encoded) {
            return KubernetesJSON.response(bytes: body, status: .created)
        }
        object.metadata.resourceVersion = String(stored.resourceVersion)
        return try KubernetesJSON.response(object, status: .created)
    }

    func get(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        try authorize(identity, verb: "get")
        let name = try context.parameters.require("name")
        guard let stored = try await store.certificateRequest(named: name) else {
            throw KubernetesStatus.notFound(Self.resource, group: Self.group, name: name)
        }
        return try KubernetesJSON.response(try Self.object(stored))
    }

    func list(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        let query = request.uri.queryParameters
        let watch = ["true", "1"].contains(query.get("watch")?.lowercased() ?? "")
        try authorize(identity, verb: watch ? "watch" : "list")
        var nameFilter: String?
        if let selector = query.get("fieldSelector"), !selector.isEmpty {
            nameFilter = try Self.nameSelector(selector)
        }
        if watch {
            return try watchResponse(query: query, nameFilter: nameFilter, logger: context.logger)
        }
        let version = try await store.certificateRequestsVersion()
        let items: [StoredCertificateRequest]
        if let nameFilter {
            items = try await store.certificateRequest(named: nameFilter).map { [$0] } ?? []
        } else {
            items = try await store.certificateRequests()
        }
        let list = KubernetesList(
            kind: "CertificateSigningRequestList", apiVersion: "certificates.k8s.io/v1",
            metadata: ListMeta(resourceVersion: String(version)), items: try items.map(Self.object))
        return try KubernetesJSON.response(list)
    }

    /// A watch stream of `{"type":…,"object":…}` lines: first the current objects (newer than `resourceVersion`),
    /// then changes, until `timeoutSeconds` (capped by policy) or shutdown.
    private func watchResponse(query: Parameters, nameFilter: String?, logger: Logger) throws -> Response {
        let maxSeconds = environment.serverPolicy.certificateSigningRequests.maxWatchSeconds
        let requested = query.get("timeoutSeconds").flatMap(Int.init) ?? maxSeconds
        let timeout = TimeInterval(max(1, min(requested, maxSeconds)))
        let since = query.get("resourceVersion").flatMap(Int64.init) ?? 0
        let store = self.store
        let body = ResponseBody { writer in
            let deadline = ContinuousClock.now + .seconds(timeout)
            var seen: [String: Int64] = [:]
            var lastVersion: Int64 = -1
            while true {
                let version = try await store.certificateRequestsVersion()
                if version != lastVersion {
                    lastVersion = version
                    let items: [StoredCertificateRequest]
                    if let nameFilter {
                        items = try await store.certificateRequest(named: nameFilter).map { [$0] } ?? []
                    } else {
                        items = try await store.certificateRequests()
                    }
                    for item in items where item.resourceVersion > (seen[item.name] ?? since) {
                        let event = WatchEvent(type: seen[item.name] == nil ? "ADDED" : "MODIFIED", object: try Self.object(item))
                        var line = try KubernetesJSON.encode(event)
                        line.append(UInt8(ascii: "\n"))
                        try await writer.write(ByteBuffer(bytes: line))
                        seen[item.name] = item.resourceVersion
                    }
                }
                if ContinuousClock.now >= deadline || Task.isCancelled || Task.isShuttingDownGracefully { break }
                try? await Task.sleep(for: .milliseconds(250))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
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
        throw KubernetesStatus.badRequest("unable to parse requested fieldSelector \"\(selector)\": only metadata.name=<name> is supported")
    }

    /// `metadata.name`, or `generateName` plus five random characters; must be a DNS subdomain.
    static func name(for metadata: ObjectMeta) throws -> String {
        let name: String
        if let given = metadata.name, !given.isEmpty {
            name = given
        } else if let prefix = metadata.generateName, !prefix.isEmpty {
            let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
            name = prefix + String((0..<5).map { _ in alphabet.randomElement()! })
        } else {
            throw KubernetesStatus.invalid(resource, group: group, name: "", "metadata.name: Required value: name or generateName is required")
        }
        // Like the API server, any name is allowed for a CSR (the kubelet's are base64url) as long as it is a
        // valid path segment.
        guard name.count <= 253, name != ".", name != "..", !name.contains("/"), !name.contains("%"),
            name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
        else {
            throw KubernetesStatus.invalid(
                resource, group: group, name: name,
                "metadata.name: Invalid value: \"\(name)\": may not be '.' or '..', contain '/' or '%', or be longer than 253 characters")
        }
        return name
    }

    /// The `clusterpki.io/node-ip` annotation: comma-separated IP addresses.
    static func declaredNodeIPs(_ annotations: [String: String]?, invalid: (String) -> KubernetesStatus) throws -> [IPAddress] {
        guard let value = annotations?[CertificateSigningRequestObject.nodeIPAnnotation], !value.isEmpty else { return [] }
        return try value.split(separator: ",").map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let ip = IPAddress(text) else {
                throw invalid("metadata.annotations[\(CertificateSigningRequestObject.nodeIPAnnotation)]: Invalid value: \"\(text)\": must be IP addresses separated by commas")
            }
            return ip
        }
    }

    static func tokenID(_ identity: Identity) -> String? {
        if case .token(let token) = identity { return token.tokenID }
        return nil
    }
}
