import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// What an approved CSR is signed as, decided once by ``CSRApprover``: ``CSRSigner`` signs exactly this and derives
/// nothing again.
public struct SigningPlan: Sendable, Hashable {
    /// The kinds of certificate clusterpki signs for a CSR.
    public enum Profile: String, Sendable, Hashable {
        /// `kubernetes.io/kube-apiserver-client-kubelet`: `system:node:<name>`, O `system:nodes`, no SANs.
        case kubeletClient
        /// `kubernetes.io/kubelet-serving`: the node's own DNS names and IP addresses.
        case kubeletServing
    }

    public var profile: Profile
    public var commonName: String
    public var organizations: [String]
    public var subjectAltNames: SubjectAltNames
    public var keyUsages: [KeyUsageName]
    public var extendedKeyUsages: [ExtKeyUsageName]
    /// Seconds from signing to NotAfter; the CA's own NotAfter caps it again when signing.
    public var lifetime: TimeInterval
    /// The message of the `Approved` condition.
    public var message: String

    public init(
        profile: Profile, commonName: String, organizations: [String],
        subjectAltNames: SubjectAltNames = SubjectAltNames(),
        keyUsages: [KeyUsageName], extendedKeyUsages: [ExtKeyUsageName], lifetime: TimeInterval, message: String
    ) {
        self.profile = profile
        self.commonName = commonName
        self.organizations = organizations
        self.subjectAltNames = subjectAltNames
        self.keyUsages = keyUsages
        self.extendedKeyUsages = extendedKeyUsages
        self.lifetime = lifetime
        self.message = message
    }

    /// The plan for a reviewed CSR whose usages the approver accepted: subject and SANs as requested, the usage
    /// strings as key usages and extended key usages, and the policy's signing duration capped by
    /// `spec.expirationSeconds` (which the API server never lets below 600 seconds).
    init(profile: Profile, review: CSRReview, signingDuration: TimeInterval, message: String) {
        var lifetime = signingDuration
        if let seconds = review.expirationSeconds { lifetime = min(lifetime, TimeInterval(max(600, seconds))) }
        self.init(
            profile: profile, commonName: review.commonName, organizations: review.organizations,
            subjectAltNames: SubjectAltNames(dnsNames: review.dnsNames, ipAddresses: review.ipAddresses),
            keyUsages: Self.keyUsageStrings.filter { review.usages.contains($0.string) }.map(\.usage),
            extendedKeyUsages: Self.extendedKeyUsageStrings.filter { review.usages.contains($0.string) }.map(\.usage),
            lifetime: lifetime, message: message)
    }

    /// `certificates.k8s.io/v1` usage strings of the key usages a kubelet may ask for.
    static let keyUsageStrings: [(usage: KeyUsageName, string: String)] = [
        (.digitalSignature, "digital signature"), (.keyEncipherment, "key encipherment"),
    ]
    /// `certificates.k8s.io/v1` usage strings of the extended key usages.
    static let extendedKeyUsageStrings: [(usage: ExtKeyUsageName, string: String)] = [
        (.clientAuth, "client auth"), (.serverAuth, "server auth"),
    ]
}
