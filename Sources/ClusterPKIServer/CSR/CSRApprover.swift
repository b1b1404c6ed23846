import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation

/// kube-controller-manager's `csrapproving` (spec 8.2) with kubeadm's RBAC expressed in the policy, plus safe
/// approval of kubelet serving certificates. Anything it does not approve is denied, except a serving CSR naming what
/// was not recorded for its node, which the policy may leave pending for an admin (``decideAdminApproval(_:message:)``).
public struct CSRApprover: Sendable {
    public var policy: ServerPolicy

    public init(policy: ServerPolicy) { self.policy = policy }

    static let clientUsageSets: [Set<String>] = [
        ["digital signature", "key encipherment", "client auth"], ["digital signature", "client auth"],
    ]
    static let servingUsageSets: [Set<String>] = [
        ["digital signature", "key encipherment", "server auth"], ["digital signature", "server auth"],
    ]
    static let privilegedGroups: Set<String> = ["system:masters", "kubeadm:cluster-admins"]

    /// Decides on `review`; `node` is what was recorded for the requesting node at its join (serving CSRs only). An
    /// approval carries the ``SigningPlan``: the lifetime is the policy's signing duration capped by
    /// `spec.expirationSeconds`.
    public func decide(_ review: CSRReview, node: NodeRecord?) -> CSRDecision {
        guard review.signatureIsValid else {
            return .deny(
                reason: "InvalidSignature", message: "the CSR's signature does not verify with its own public key")
        }
        if let privileged = review.organizations.first(where: Self.privilegedGroups.contains) {
            return .deny(reason: "PrivilegedOrganization", message: "O=\(privileged) is never issued for a CSR")
        }
        switch review.signerName {
        case CertificateSigningRequestObject.kubeletClientSigner:
            return decideKubeletClient(review)
        case CertificateSigningRequestObject.kubeletServingSigner:
            return decideKubeletServing(review, node: node)
        default:
            return .deny(
                reason: "SignerNotAllowed",
                message:
                    "signer \"\(review.signerName)\" is not auto-approved by clusterpki; only \(CertificateSigningRequestObject.kubeletClientSigner) and \(CertificateSigningRequestObject.kubeletServingSigner) are"
            )
        }
    }

    private func decideKubeletClient(_ review: CSRReview) -> CSRDecision {
        guard review.organizations == [NodeIdentity.group] else {
            return .deny(
                reason: "InvalidSubject",
                message: "a kubelet client certificate must have exactly O=system:nodes, got \(review.organizations)")
        }
        guard !review.hasSANs else {
            return .deny(
                reason: "SANsNotAllowed",
                message: "a kubelet client certificate must not have DNS, IP, email or URI SANs")
        }
        guard NodeIdentity.nodeName(fromUserName: review.commonName) != nil else {
            return .deny(
                reason: "InvalidSubject", message: "the CN must be system:node:<nodeName>, got \"\(review.commonName)\""
            )
        }
        guard Self.clientUsageSets.contains(Set(review.usages)), review.usages.count == Set(review.usages).count else {
            return .deny(
                reason: "InvalidUsages",
                message:
                    "usages must be [digital signature, client auth] or [digital signature, key encipherment, client auth], got \(review.usages)"
            )
        }
        let csrPolicy = policy.certificateSigningRequests
        switch review.requester {
        case .token(let token):
            if !Set(token.groups).isDisjoint(with: csrPolicy.nodeClientApprovalGroups) {
                return approve(
                    .kubeletClient, review,
                    message: "Auto approving kubelet client certificate after SubjectAccessReview.")
            }
            return .deny(
                reason: "NotAuthorized",
                message:
                    "user \"\(token.username)\" is not in a group allowed to get kubelet client certificates (policy server.certificateSigningRequests.nodeClientApprovalGroups)"
            )
        case .certificate(let certificate):
            if review.requester.isCertificate(inAny: policy.adminOrganizations) {
                return approve(
                    .kubeletClient, review,
                    message: "Auto approving kubelet client certificate after SubjectAccessReview.")
            }
            guard csrPolicy.selfNodeClientApproval, review.requester.nodeName != nil else {
                return .deny(
                    reason: "NotAuthorized",
                    message: "user \"\(certificate.commonName)\" may not request kubelet client certificates")
            }
            guard certificate.commonName == review.commonName else {
                return .deny(
                    reason: "RequesterMismatch",
                    message:
                        "a node may renew only its own client certificate: requester \"\(certificate.commonName)\", CSR CN \"\(review.commonName)\""
                )
            }
            return approve(
                .kubeletClient, review,
                message: "Auto approving self kubelet client certificate after SubjectAccessReview.")
        case .anonymous:
            return .deny(reason: "NotAuthorized", message: "anonymous requests are never approved")
        }
    }

    private func decideKubeletServing(_ review: CSRReview, node: NodeRecord?) -> CSRDecision {
        guard policy.certificateSigningRequests.kubeletServingApproval else {
            return .deny(
                reason: "SignerNotAllowed", message: "kubelet serving certificates are not auto-approved by this policy"
            )
        }
        guard let nodeName = review.requester.nodeName else {
            return .deny(
                reason: "NotAuthorized",
                message:
                    "only a node's own client certificate (CN=system:node:<name>, O=system:nodes) may request its serving certificate"
            )
        }
        guard review.commonName == NodeIdentity.userName(nodeName), review.organizations == [NodeIdentity.group] else {
            return .deny(
                reason: "RequesterMismatch",
                message:
                    "the CSR subject must be CN=system:node:\(nodeName), O=system:nodes, got CN=\(review.commonName), O=\(review.organizations)"
            )
        }
        if let problem = Self.servingShapeProblem(review) { return problem }
        guard let node else {
            return unrecorded(
                reason: "UnknownNode", "node \"\(nodeName)\" has no join record; it must join through clusterpki first")
        }
        for dns in review.dnsNames where dns.lowercased() != nodeName.lowercased() {
            return unrecorded(
                reason: "SANNotOwnedByNode", "DNS name \"\(dns)\" does not belong to node \"\(nodeName)\"")
        }
        let owned = Set(node.addresses.compactMap(IPAddress.init))
        for ip in review.ipAddresses where !owned.contains(ip) {
            return unrecorded(
                reason: "SANNotOwnedByNode",
                "IP address \(ip) was not recorded for node \"\(nodeName)\" at its join (recorded: \(node.addresses.joined(separator: ", ")))"
            )
        }
        return approve(
            .kubeletServing, review,
            message: "Auto approving kubelet serving certificate: every name belongs to node \"\(nodeName)\".")
    }

    /// Usages and SAN kinds of a kubelet serving CSR, whoever approves it.
    private static func servingShapeProblem(_ review: CSRReview) -> CSRDecision? {
        guard servingUsageSets.contains(Set(review.usages)), review.usages.count == Set(review.usages).count else {
            return .deny(
                reason: "InvalidUsages",
                message:
                    "usages must be [digital signature, server auth] or [digital signature, key encipherment, server auth], got \(review.usages)"
            )
        }
        guard review.otherNames.isEmpty else {
            return .deny(
                reason: "SANsNotAllowed",
                message: "a kubelet serving certificate may only name DNS names and IP addresses")
        }
        guard !review.dnsNames.isEmpty || !review.ipAddresses.isEmpty else {
            return .deny(
                reason: "SANsNotAllowed",
                message: "a kubelet serving certificate must name at least one DNS name or IP address")
        }
        return nil
    }

    /// A serving CSR naming what was not recorded for its node: pending for an admin, or denied, as the policy says.
    private func unrecorded(reason: String, _ message: String) -> CSRDecision {
        switch policy.certificateSigningRequests.unrecordedServingNames {
        case .deny: return .deny(reason: reason, message: message)
        case .pending:
            return .pending(
                reason: reason, message: message + "; an admin may approve it (kubectl certificate approve)")
        }
    }

    /// An admin's approval of a pending CSR (`kubectl certificate approve`): the admin vouches for the requester and
    /// the names, so only what the signer itself requires is checked (kube-controller-manager's `csrsigning`): a
    /// valid self-signature, no privileged organization, and the subject, usages and SAN kinds of a kubelet client
    /// or serving certificate. A refusal is a ``CSRDecision/deny(reason:message:)`` the caller reports, not stores.
    public func decideAdminApproval(_ review: CSRReview, message: String) -> CSRDecision {
        guard review.signatureIsValid else {
            return .deny(
                reason: "InvalidSignature", message: "the CSR's signature does not verify with its own public key")
        }
        if let privileged = review.organizations.first(where: Self.privilegedGroups.contains) {
            return .deny(reason: "PrivilegedOrganization", message: "O=\(privileged) is never issued for a CSR")
        }
        guard NodeIdentity.nodeName(fromUserName: review.commonName) != nil,
            review.organizations == [NodeIdentity.group]
        else {
            return .deny(
                reason: "InvalidSubject", message: "the subject must be CN=system:node:<nodeName>, O=system:nodes")
        }
        switch review.signerName {
        case CertificateSigningRequestObject.kubeletServingSigner:
            if let problem = Self.servingShapeProblem(review) { return problem }
            return approve(.kubeletServing, review, message: message)
        case CertificateSigningRequestObject.kubeletClientSigner:
            guard !review.hasSANs else {
                return .deny(
                    reason: "SANsNotAllowed",
                    message: "a kubelet client certificate must not have DNS, IP, email or URI SANs")
            }
            guard Self.clientUsageSets.contains(Set(review.usages)), review.usages.count == Set(review.usages).count
            else {
                return .deny(
                    reason: "InvalidUsages",
                    message:
                        "usages must be [digital signature, client auth] or [digital signature, key encipherment, client auth], got \(review.usages)"
                )
            }
            return approve(.kubeletClient, review, message: message)
        default:
            return .deny(
                reason: "SignerNotAllowed",
                message:
                    "clusterpki signs only \(CertificateSigningRequestObject.kubeletClientSigner) and \(CertificateSigningRequestObject.kubeletServingSigner)"
            )
        }
    }

    private func approve(_ profile: SigningPlan.Profile, _ review: CSRReview, message: String) -> CSRDecision {
        .approve(
            SigningPlan(
                profile: profile, review: review,
                signingDuration: policy.certificateSigningRequests.signingDuration.seconds, message: message))
    }
}
