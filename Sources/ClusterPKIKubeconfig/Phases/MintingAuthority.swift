import ClusterPKICore

/// The CA that signs a user credential, and the CA bundle its kubeconfig trusts.
///
/// `kubeconfig user` loads both from the pki dir (the bundle is then the signing CA alone); `clusterpki serve` passes
/// one snapshot of the CA it follows, whose bundle holds the old and the new CA during a rotation.
public struct MintingAuthority: Sendable {
    /// Signs the client certificate; its key must be present.
    public var signer: CertificateAuthority
    /// The PEM embedded as `certificate-authority-data`.
    public var bundlePEM: String

    public init(signer: CertificateAuthority, bundlePEM: String) {
        self.signer = signer
        self.bundlePEM = bundlePEM
    }
}
