import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import X509

extension CSRIssuer {
    /// What a decided CSR leaves besides itself, stored in its transaction: the audit event; for a signed
    /// certificate its ledger row; for a join (a kubelet client certificate not asked for by the node itself) where
    /// the node is, for its serving certificate later.
    static func records(
        of decision: CSRDecision, certificate: Certificate?, name: String, requester: Identity, client: String,
        declaredIPs: [IPAddress],
        now: Date
    ) throws -> CertificateRequestRecords {
        let actor = "\(requester.username)@\(client)"
        var records = CertificateRequestRecords()
        guard case .approve(let plan) = decision, let certificate else {
            records.auditEvents.append(
                AuditEvent(
                    time: now, actor: actor,
                    action: decision.isPending ? .certificateRequestPending : .certificateRequestDenied,
                    tokenID: requester.tokenID, detail: "\(name) reason=\(decision.reason)"))
            return records
        }
        let serial = certificate.serialHex
        records.auditEvents.append(
            AuditEvent(
                time: now, actor: actor, action: .certificateRequestApproved, tokenID: requester.tokenID,
                detail: "\(name) serial=\(serial)"))
        records.credential = try IssuedCredential(
            serial: serial, commonName: plan.commonName, organizations: plan.organizations,
            notAfter: certificate.notValidAfter, created: now,
            actor: requester.username)
        if plan.profile == .kubeletClient, requester.nodeName == nil,
            let nodeName = NodeIdentity.nodeName(fromUserName: plan.commonName)
        {
            var addresses = [String]()
            if let remote = IPAddress(client) { addresses.append(remote.description) }
            for ip in declaredIPs where !addresses.contains(ip.description) { addresses.append(ip.description) }
            records.node = NodeRecord(name: nodeName, addresses: addresses, recorded: now, recordedBy: actor)
        }
        return records
    }
}
