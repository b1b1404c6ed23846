import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import X509

extension CSRIssuer {
    /// An admin's decision on a stored CSR (`PUT …/certificatesigningrequests/NAME/approval`, what
    /// `kubectl certificate approve|deny` sends): `update` carries the object with a new `Approved` or `Denied`
    /// condition. An approval is checked by ``CSRApprover/decideAdminApproval(_:message:)`` and signed; the new
    /// object, its audit event and (approved) its ledger row are stored in ONE transaction, and only if nobody decided
    /// the CSR in between. Deciding a CSR the same way again changes nothing; the opposite way is a 422.
    public func decide(
        name: String, update: CertificateSigningRequestObject, admin: Identity, client: String
    ) async throws -> Issued {
        func invalid(_ problem: String) -> KubernetesStatus { .invalid(.certificateSigningRequest(name), problem) }
        // A CSR that does not exist is 404 whatever the body says (the body is only compared with what is there).
        guard let stored = try await store.certificateRequest(named: name) else {
            throw KubernetesStatus.notFound(.certificateSigningRequest(name))
        }
        if let given = update.metadata.name, given != name {
            throw KubernetesStatus.badRequest(
                "the name of the object (\(given)) does not match the name on the URL (\(name))")
        }
        var object = try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: stored.object)
        let decisions = (update.status?.conditions ?? []).filter {
            ($0.type == "Approved" || $0.type == "Denied") && $0.status == "True"
        }
        let types = Set(decisions.map(\.type))
        guard types.count == 1, let condition = decisions.first else {
            throw invalid(
                "status.conditions: Invalid value: an approval sets exactly one of the Approved or Denied conditions")
        }
        if let decided = Self.decidedCondition(of: object) {
            guard decided.type == condition.type else {
                throw invalid(
                    "status.conditions[\(condition.type)]: Invalid value: the CSR is already \(decided.type); Approved and Denied are mutually exclusive"
                )
            }
            object.metadata.resourceVersion = String(stored.resourceVersion)
            return Issued(
                object: object, json: try KubernetesJSON.encode(object), decision: Self.decision(of: decided),
                certificate: nil,
                changed: false)
        }

        let now = self.now()
        let stamp = RFC3339.format(now)
        let actor = "\(admin.username)@\(client)"
        var decided = CertificateSigningRequestObject.Condition(
            type: condition.type, status: "True", reason: condition.reason, message: condition.message,
            lastUpdateTime: stamp,
            lastTransitionTime: stamp)
        var records = CertificateRequestRecords()
        var certificate: Certificate?
        let decision: CSRDecision
        if condition.type == "Approved" {
            let valid = try Self.validate(object)
            let review = try CSRReview(
                verified: valid.csr, signerName: object.spec.signerName, usages: valid.usages, requester: admin,
                expirationSeconds: object.spec.expirationSeconds)
            decision = approver.decideAdminApproval(
                review, message: condition.message ?? "approved by \(admin.username)")
            guard let plan = decision.plan else { throw invalid("the signer refuses this CSR: \(decision.message)") }
            let signed = try CSRSigner(authority: authorities.current().signing, backdate: backdate)
                .sign(plan, publicKey: valid.csr.publicKey, now: now)
            certificate = signed
            decided.reason = condition.reason ?? "AdminApproved"
            object.status = .init(
                conditions: [decided],
                certificate: Data(try PEMCertificates.encode([signed]).utf8).base64EncodedString())
            records.auditEvents.append(
                AuditEvent(
                    time: now, actor: actor, action: .certificateRequestApproved,
                    detail:
                        "\(name) serial=\(signed.serialHex) approvedBy=\(admin.username) requester=\(stored.requester)")
            )
            records.credential = try IssuedCredential(
                serial: signed.serialHex, commonName: plan.commonName, organizations: plan.organizations,
                notAfter: signed.notValidAfter, created: now, actor: admin.username)
        } else {
            decided.reason = condition.reason ?? "AdminDenied"
            decision = .deny(reason: decided.reason ?? "AdminDenied", message: condition.message ?? "")
            object.status = .init(conditions: [decided], certificate: nil)
            records.auditEvents.append(
                AuditEvent(
                    time: now, actor: actor, action: .certificateRequestDenied,
                    detail:
                        "\(name) reason=\(decided.reason ?? "") deniedBy=\(admin.username) requester=\(stored.requester)"
                ))
        }
        object.metadata.resourceVersion = nil
        let encoded = try KubernetesJSON.encode(object)
        let updated = try await store.updateCertificateRequest(
            name: name, object: encoded, ifResourceVersion: stored.resourceVersion, recording: records)
        object.metadata.resourceVersion = String(updated.resourceVersion)
        return Issued(
            object: object, json: try KubernetesJSON.encode(object), decision: decision, certificate: certificate)
    }

    /// Deletes a stored CSR (`kubectl delete csr NAME`), audited in the same transaction; returns the deleted object.
    public func delete(name: String, admin: Identity, client: String) async throws -> CertificateSigningRequestObject {
        let event = AuditEvent(
            time: now(), actor: "\(admin.username)@\(client)", action: .certificateRequestDeleted, detail: name)
        let deleted = try await KubernetesStatus.addressing(.certificateSigningRequest(name)) {
            try await store.deleteCertificateRequest(
                name: name, recording: CertificateRequestRecords(auditEvents: [event]))
        }
        var object = try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: deleted.object)
        object.metadata.resourceVersion = String(deleted.resourceVersion)
        return object
    }

    /// The `Approved` or `Denied` condition a CSR already has.
    static func decidedCondition(of object: CertificateSigningRequestObject) -> CertificateSigningRequestObject
        .Condition?
    {
        object.status?.conditions?.first { ($0.type == "Approved" || $0.type == "Denied") && $0.status == "True" }
    }

    /// The verdict an earlier decision stands for (no plan: nothing is signed again).
    private static func decision(of condition: CertificateSigningRequestObject.Condition) -> CSRDecision {
        condition.type == "Approved"
            ? .pending(reason: condition.reason ?? "Approved", message: condition.message ?? "")
            : .deny(reason: condition.reason ?? condition.type, message: condition.message ?? "")
    }
}
