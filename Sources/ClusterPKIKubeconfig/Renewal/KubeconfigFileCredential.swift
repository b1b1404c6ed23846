import ClusterPKICore
import Foundation
import X509

#if canImport(Glibc)
import Glibc
#endif

/// The client certificate embedded in a kubeconfig file, renewed in place (spec 7.1).
///
/// Renewal replaces exactly `client-certificate-data`, `client-key-data` and, unless it is a rotation's bundle
/// (several CAs, the signing one among them), `certificate-authority-data` (the current CA) of the current context,
/// and leaves every other byte of the file unchanged.
public struct KubeconfigFileCredential: RenewableCredential {
    public let profile: KubeconfigProfile
    public let kubernetesDir: URL

    public init(profile: KubeconfigProfile, kubernetesDir: URL) {
        self.profile = profile
        self.kubernetesDir = kubernetesDir
    }

    public var name: String { profile.file }
    public var longName: String { profile.longName ?? "certificate embedded in the kubeconfig file \(profile.file)" }
    public var authorityName: String { "ca" }
    public var url: URL { kubernetesDir.appendingPathComponent(profile.file) }

    public func currentCertificate() throws -> Certificate? {
        guard let document = try KubeconfigDocument.load(url) else { return nil }
        guard let pem = try document.pem(.clientCertificateData) else {
            throw KubeconfigError.missingEmbeddedData(path: url.path, field: "client certificate")
        }
        return try PEMCertificates.parse(pem, path: url.path + " (client-certificate-data)").first
    }

    public func commitRenewal(certificate: Certificate, key: PrivateKeyMaterial, authority: CertificateAuthority) throws
    {
        guard let document = try KubeconfigDocument.load(url) else {
            throw KubeconfigError.notAKubeconfig(path: url.path, detail: "it disappeared during renewal")
        }
        guard document.value(.certificateAuthorityData) != nil else {
            throw KubeconfigError.missingEmbeddedData(
                path: url.path, field: "server certificate (certificate-authority-data)")
        }
        // A bundle of several CAs that includes the signing one stays as it is: during a CA rotation it holds old + new,
        // and narrowing it to the signer would stop trusting servers whose certificates the other CA signed.
        let trusted =
            (try? document.pem(.certificateAuthorityData)).flatMap { $0 }.flatMap {
                try? PEMCertificates.parse($0, path: url.path)
            } ?? []
        var replacements: [KubeconfigDocument.Field: String] = [
            .clientCertificateData: Data(try PEMCertificates.encode([certificate]).utf8).base64EncodedString(),
            .clientKeyData: Data(try key.pemString().utf8).base64EncodedString(),
        ]
        if trusted.count < 2 || !trusted.contains(authority.certificate) {
            replacements[.certificateAuthorityData] = Data(try PEMCertificates.encode([authority.certificate]).utf8)
                .base64EncodedString()
        }
        let updated = try document.replacing(replacements)
        var transaction = FileTransaction()
        transaction.write(updated, to: profile.file, mode: FileMode.of(url) ?? 0o600)
        try transaction.commit(in: kubernetesDir)
    }
}

extension TreeContext {
    /// The kubeconfig files `certs renew` and `check-expiration` cover (renewable in the policy; not kubelet.conf).
    public var kubeconfigCredentials: [any RenewableCredential] {
        policy.kubeconfigs.filter { $0.renewable == true }.map {
            KubeconfigFileCredential(profile: $0, kubernetesDir: settings.kubernetesDir)
        }
    }
}
