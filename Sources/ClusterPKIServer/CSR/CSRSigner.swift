import ClusterPKIAPI
import ClusterPKICore
import Foundation
import X509

/// kube-controller-manager's `csrsigning` (spec 8.3): signs the approver's ``SigningPlan`` as it is; NotAfter is
/// `now + plan.lifetime`, capped by the CA in ``CertificateAuthority/sign(_:publicKey:)``.
struct CSRSigner: Sendable {
    let authority: CertificateAuthority
    /// The policy's `validity.backdate`: NotBefore is this far in the past, for clocks running behind.
    let backdate: TimeInterval

    func sign(_ plan: SigningPlan, publicKey: Certificate.PublicKey, now: Date) throws -> Certificate {
        let request = IssuanceRequest(
            commonName: plan.commonName, organizations: plan.organizations, subjectAltNames: plan.subjectAltNames,
            // The requested bits are honoured as they are: the approver allowed only kubelet usage sets.
            keyUsage: KeyUsage(plan.keyUsages, keyIsRSA: true, keyEnciphermentOnlyForRSA: false),
            extendedKeyUsages: plan.extendedKeyUsages.map(\.usage),
            notBefore: now - backdate, notAfter: now + plan.lifetime)
        return try authority.sign(request, publicKey: publicKey)
    }
}
