import ClusterPKIAPI
import ClusterPKICore
import Foundation
import X509

/// kube-controller-manager's `csrsigning` (spec 8.3): subject and SANs from the CSR, NotAfter capped by the
/// policy's signing duration, by `spec.expirationSeconds` and (in ``CertificateAuthority/sign(_:publicKey:)``) by the CA.
struct CSRSigner: Sendable {
    let authority: CertificateAuthority
    let policy: PKIPolicy

    func sign(_ review: CSRReview, publicKey: Certificate.PublicKey, expirationSeconds: Int?, now: Date) throws -> Certificate {
        var lifetime = policy.serverPolicy.certificateSigningRequests.signingDuration.seconds
        if let expirationSeconds { lifetime = min(lifetime, TimeInterval(max(600, expirationSeconds))) }
        var keyUsages: [KeyUsageName] = []
        if review.usages.contains("digital signature") { keyUsages.append(.digitalSignature) }
        if review.usages.contains("key encipherment") { keyUsages.append(.keyEncipherment) }
        var extended: [ExtendedKeyUsage.Usage] = []
        if review.usages.contains("client auth") { extended.append(.clientAuth) }
        if review.usages.contains("server auth") { extended.append(.serverAuth) }
        let request = IssuanceRequest(
            commonName: review.commonName, organizations: review.organizations,
            subjectAltNames: SubjectAltNames(dnsNames: review.dnsNames, ipAddresses: review.ipAddresses),
            // The requested bits are honoured as they are: the approver allowed only kubelet usage sets.
            keyUsage: KeyUsage(keyUsages, keyIsRSA: true, keyEnciphermentOnlyForRSA: false),
            extendedKeyUsages: extended,
            notBefore: now - policy.validity.backdate.seconds, notAfter: now + lifetime)
        return try authority.sign(request, publicKey: publicKey)
    }
}
