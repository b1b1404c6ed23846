import Foundation
import X509

/// A certificate that `certs renew` and `certs check-expiration` cover: a PKI leaf or a kubeconfig's client cert.
public protocol RenewableCredential: Sendable {
    /// kubeadm's renewal name, e.g. `apiserver`, `admin.conf`.
    var name: String { get }
    var longName: String { get }
    /// The signing CA's kubeadm name, e.g. `ca`.
    var authorityName: String { get }
    /// The current certificate, or nil when its file is missing.
    func currentCertificate() throws -> Certificate?
    /// Writes the renewed certificate and its new key atomically.
    func commitRenewal(certificate: Certificate, key: PrivateKeyMaterial, authority: CertificateAuthority) throws
    /// The policy profile whose validity applies, if any (else the policy's default leaf validity).
    var validityProfile: CertificateProfile? { get }
}

extension RenewableCredential {
    public var validityProfile: CertificateProfile? { nil }
}

/// A leaf certificate and key pair in the pki dir.
public struct PKIFileCredential: RenewableCredential {
    public let profile: CertificateProfile
    public let directory: PKIDirectory

    public init(profile: CertificateProfile, directory: PKIDirectory) {
        self.profile = profile
        self.directory = directory
    }

    public var name: String { profile.name }
    public var longName: String { profile.longName }
    public var authorityName: String { profile.issuer ?? profile.name }
    public var validityProfile: CertificateProfile? { profile }

    public func currentCertificate() throws -> Certificate? {
        guard directory.exists(profile.baseName, "crt") else { return nil }
        return try directory.readCertificates(profile.baseName)?.first
    }

    public func commitRenewal(certificate: Certificate, key: PrivateKeyMaterial, authority: CertificateAuthority) throws
    {
        var transaction = FileTransaction()
        transaction.write(
            try PEMCertificates.encode([certificate]), to: directory.path(profile.baseName, "crt"), mode: 0o644)
        transaction.write(try key.pemString(), to: directory.path(profile.baseName, "key"), mode: 0o600)
        try transaction.commit(in: directory.root)
    }
}

extension TreeContext {
    /// The PKI leaves of this cluster as renewable credentials.
    public var fileCredentials: [any RenewableCredential] {
        activeProfiles.filter { !$0.isCertificateAuthority }.map {
            PKIFileCredential(profile: $0, directory: directory)
        }
    }

    /// The CAs that exist in this cluster's configuration.
    public var activeAuthorities: [CertificateProfile] { activeProfiles.filter(\.isCertificateAuthority) }
}

extension PKIFileCredential {
    /// The base name of `clusterpki serve`'s own certificate in the pki dir.
    public static let servingBaseName = "clusterpki-server"
}

extension TreeContext {
    /// `clusterpki serve`'s certificate `clusterpki-server.{crt,key}` when this node has one (signed by `ca`, with the
    /// policy's `server.servingCertificate.validity`); nil when the server has never run here.
    public var servingCredential: (any RenewableCredential)? {
        let base = PKIFileCredential.servingBaseName
        guard directory.exists(base, "crt") else { return nil }
        let profile = CertificateProfile(
            name: base, baseName: base, issuer: "ca", commonName: base, organizations: nil,
            keyUsages: [.digitalSignature, .keyEncipherment], extKeyUsages: [.serverAuth], subjectAltNames: nil,
            etcd: nil,
            validity: policy.serverPolicy.servingCertificate.validity,
            longName: "certificate clusterpki serve serves HTTPS with")
        return PKIFileCredential(profile: profile, directory: directory)
    }
}
