import ClusterPKICore
import Foundation
import X509

/// This control-plane node's own kubelet credential, the client certificate of `kubelet.conf`: embedded, or in the
/// file it names (`kubelet-client-current.pem` after a join). `rotate` and `ca rotate --phase switch` re-issue it from
/// the local CA, so a node that holds `ca.key` never depends on `clusterpki serve` for its own kubelet.
public struct KubeletConfigCredential: RenewableCredential {
    public let kubernetesDir: URL

    public init(kubernetesDir: URL) { self.kubernetesDir = kubernetesDir }

    public static let fileName = "kubelet.conf"
    public var name: String { Self.fileName }
    public var longName: String { "client certificate of this node's kubelet (kubelet.conf)" }
    public var authorityName: String { "ca" }
    public var url: URL { kubernetesDir.appendingPathComponent(Self.fileName) }

    public func currentCertificate() throws -> Certificate? {
        guard let pair = try KubeconfigClientPair.locate(url), let pem = try pair.certificatePEM() else { return nil }
        return try PEMCertificates.parse(pem, path: pair.certificatePath).first
    }

    public func commitRenewal(certificate: Certificate, key: PrivateKeyMaterial, authority: CertificateAuthority) throws
    {
        guard let pair = try KubeconfigClientPair.locate(url) else {
            throw KubeconfigError.notAKubeconfig(path: url.path, detail: "it disappeared during renewal")
        }
        try pair.write(certificatePEM: try PEMCertificates.encode([certificate]), keyPEM: try key.pemString())
    }
}

extension TreeContext {
    /// kubelet.conf's client certificate on a node that holds the cluster CA key (a control-plane node); nil on a
    /// worker, or when kubelet.conf is missing or has no client certificate.
    public var kubeletCredential: (any RenewableCredential)? {
        guard directory.exists("ca", "key") else { return nil }
        let credential = KubeletConfigCredential(kubernetesDir: settings.kubernetesDir)
        guard (try? credential.currentCertificate()) != nil else { return nil }
        return credential
    }
}
