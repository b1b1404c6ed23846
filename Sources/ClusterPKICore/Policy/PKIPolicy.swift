import Foundation

/// A declarative description of the whole tree and the limits around it (a file in `policies/`).
public struct PKIPolicy: Sendable, Codable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var keyAlgorithm: KeyAlgorithm
    /// When true, keyEncipherment is set only on RSA keys (kubeadm sets it on ECDSA keys too: kubeadm#3328).
    public var keyEnciphermentOnlyForRSA: Bool
    public var validity: ValidityPolicy
    public var certificateAuthorities: [CertificateProfile]
    public var certificates: [CertificateProfile]
    public var serviceAccount: ServiceAccountProfile
    public var kubeconfigs: [KubeconfigProfile]
    public var userCredentials: UserCredentialPolicy
    public var tokenAuthentication: TokenAuthenticationPolicy
    /// The `server:` section for `clusterpki serve`; absent means ``ServerPolicy/default``.
    public var server: ServerPolicy?
    /// The `renewal:` section for `clusterpki rotate`; absent means ``RenewalPolicy/default``.
    public var renewal: RenewalPolicy?
    /// The `audit:` retention section; absent means ``AuditPolicy/default``.
    public var audit: AuditPolicy?

    /// The server section, or its defaults.
    public var serverPolicy: ServerPolicy { server ?? .default }

    public static let apiVersionV1Alpha1 = "clusterpki.io/v1alpha1"

    /// CA profile by kubeadm name (`ca`, `front-proxy-ca`, `etcd-ca`).
    public func authority(named name: String) -> CertificateProfile? {
        certificateAuthorities.first { $0.name == name }
    }

    /// Every name `certs generate` accepts, in generation order.
    public var generatableNames: [String] {
        var names: [String] = []
        for ca in certificateAuthorities {
            names.append(ca.name)
            names += certificates.filter { $0.issuer == ca.name }.map(\.name)
        }
        return names + [serviceAccount.name]
    }

    /// Profiles in kubeadm's generation order: each CA followed by the leaves it signs.
    public var orderedProfiles: [CertificateProfile] {
        certificateAuthorities.flatMap { ca in [ca] + certificates.filter { $0.issuer == ca.name } }
    }
}
