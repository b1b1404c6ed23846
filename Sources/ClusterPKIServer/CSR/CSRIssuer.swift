import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import X509

/// The CSR path as one service: a decoded `CertificateSigningRequest` and its authenticated requester in, the stored
/// object out. It validates the object, reviews the PKCS#10, decides (``CSRApprover``), signs an approval
/// (``CSRSigner``), and stores the request with its audit event, ledger row and node record in ONE store transaction.
///
/// The hot path of `clusterpki serve`: the object is encoded once, and the response is that encoding with the
/// resource version spliced in; the store is read only for a serving CSR's node record and written once.
public struct CSRIssuer: Sendable {
    let store: any CertificateRequestStore
    let approver: CSRApprover
    /// The cluster CA now; read only when a CSR is approved, so a CA rotation is followed without a restart.
    let authorities: ClusterCAWatcher
    /// The policy's `validity.backdate`.
    let backdate: TimeInterval
    /// The policy's `maxDeniedPerRequester` and `deniedTTL`, checked only when a CSR would be denied.
    let deniedLimit: Int
    let deniedTTL: GoDuration
    let now: @Sendable () -> Date

    public init(
        store: any CertificateRequestStore, policy: PKIPolicy, authorities: ClusterCAWatcher,
        now: @escaping @Sendable () -> Date
    ) {
        self.store = store
        self.approver = CSRApprover(policy: policy.serverPolicy)
        self.authorities = authorities
        self.backdate = policy.validity.backdate.seconds
        self.deniedLimit = policy.serverPolicy.certificateSigningRequests.maxDeniedPerRequester
        self.deniedTTL = policy.serverPolicy.certificateSigningRequests.deniedTTL
        self.now = now
    }

    /// The issuer of a server's environment.
    public init(environment: ServerEnvironment) {
        self.init(
            store: environment.store, policy: environment.policy, authorities: environment.authorities,
            now: environment.now)
    }

    /// What a CSR became.
    public struct Issued: Sendable {
        /// The stored object, with its resource version.
        public var object: CertificateSigningRequestObject
        /// `object` as JSON, as stored plus `metadata.resourceVersion`: the body of the 201 response.
        public var json: Data
        public var decision: CSRDecision
        /// The signed certificate when approved.
        public var certificate: Certificate?
        /// False when an admin's decision repeated the one the CSR already had (nothing was stored).
        public var changed: Bool = true
    }

    /// Decides `request` from `requester` (who connected from `client`) and stores it; an invalid object is a 422
    /// ``KubernetesStatus``, a taken name ``StoreError/certificateRequestAlreadyExists(name:)``, a denial beyond the
    /// requester's `maxDeniedPerRequester` a 429 (nothing stored).
    /// A `pendingAudit` event (the requester's token authentication) is stored first in the same transaction, and
    /// taken once that transaction committed.
    public func issue(
        _ request: CertificateSigningRequestObject, requester: Identity, client: String,
        pendingAudit: PendingAudit? = nil
    ) async throws -> Issued {
        let valid = try Self.validate(request)
        let now = self.now()
        var object = Self.accepted(request, name: valid.name, requester: requester, now: now)
        let review = try CSRReview(
            verified: valid.csr, signerName: object.spec.signerName, usages: valid.usages, requester: requester,
            expirationSeconds: object.spec.expirationSeconds)
        var node: NodeRecord?
        let isServing = review.signerName == CertificateSigningRequestObject.kubeletServingSigner
        if isServing, let nodeName = requester.nodeName { node = try await store.node(named: nodeName) }
        let decision = try Self.nameDenial(review, name: valid.name) ?? approver.decide(review, node: node)
        if !decision.isApproved, !decision.isPending { try await checkDeniedCap(of: requester) }
        var certificate: Certificate?
        if let plan = decision.plan {
            certificate = try CSRSigner(authority: authorities.current().signing, backdate: backdate)
                .sign(plan, publicKey: valid.csr.publicKey, now: now)
        }
        object.status = try Self.status(decision, certificate: certificate, now: now)
        var records = try Self.records(
            of: decision, certificate: certificate, name: valid.name, requester: requester, client: client,
            declaredIPs: valid.declaredIPs, now: now)
        if let authentication = pendingAudit?.event { records.auditEvents.insert(authentication, at: 0) }

        // A taken name is found by this insert (its unique index), which keeps a request to one write transaction.
        let encoded = try KubernetesJSON.encode(object)
        let stored = try await store.createCertificateRequest(
            name: valid.name, requester: requester.username, object: encoded, now: now, recording: records)
        pendingAudit?.take()
        object.metadata.resourceVersion = String(stored.resourceVersion)
        let json =
            try KubernetesJSON.settingResourceVersion(stored.resourceVersion, in: encoded)
            ?? KubernetesJSON.encode(object)
        return Issued(object: object, json: json, decision: decision, certificate: certificate)
    }

    /// The object as the API server stores it: server-set metadata, and the requester from authentication, never
    /// from the body.
    static func accepted(
        _ request: CertificateSigningRequestObject, name: String, requester: Identity, now: Date
    ) -> CertificateSigningRequestObject {
        var object = request
        object.kind = "CertificateSigningRequest"
        object.apiVersion = "certificates.k8s.io/v1"
        object.metadata.name = name
        object.metadata.namespace = nil
        object.metadata.uid = UUID.random().lowercasedString
        object.metadata.creationTimestamp = RFC3339.format(now)
        object.metadata.resourceVersion = nil
        object.spec.username = requester.username
        object.spec.groups = requester.groups
        object.spec.uid = ""
        object.spec.extra = [:]
        return object
    }

    /// The `Approved` (with the certificate) or `Denied` condition; none while pending.
    static func status(
        _ decision: CSRDecision, certificate: Certificate?, now: Date
    ) throws -> CertificateSigningRequestObject.Status {
        let stamp = RFC3339.format(now)
        switch decision {
        case .approve(let plan):
            return .init(
                conditions: [
                    .init(
                        type: "Approved", status: "True", reason: decision.reason, message: plan.message,
                        lastUpdateTime: stamp, lastTransitionTime: stamp)
                ],
                certificate: try certificate.map { Data(try PEMCertificates.encode([$0]).utf8).base64EncodedString() })
        case .deny(let reason, let message):
            return .init(
                conditions: [
                    .init(
                        type: "Denied", status: "True", reason: reason, message: message, lastUpdateTime: stamp,
                        lastTransitionTime: stamp)
                ],
                certificate: nil)
        case .pending:
            return .init(conditions: nil, certificate: nil)
        }
    }
}
