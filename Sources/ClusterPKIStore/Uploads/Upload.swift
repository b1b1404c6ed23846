import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// A named bundle of already-encrypted blobs whose lifetime is bound to a proxy bootstrap token.
public struct Upload: Sendable, Hashable {
    /// The bundle name, e.g. `kubeadm-certs`.
    public var name: String
    /// Secret data key (`ca.crt`, `etcd-ca.key`, …) to ciphertext; the store never sees plaintext.
    public var blobs: [String: Data]
    /// The proxy token whose expiry deletes this upload.
    public var proxyTokenID: String
    public var created: Date
    /// When the proxy token, and with it the upload, expires.
    public var expires: Date?

    public init(name: String, blobs: [String: Data], proxyTokenID: String, created: Date, expires: Date?) {
        self.name = name
        self.blobs = blobs
        self.proxyTokenID = proxyTokenID
        self.created = created
        self.expires = expires
    }

    /// The name kubeadm uses for the shared control-plane certificates.
    public static let kubeadmCertsName = "kubeadm-certs"
    /// kubeadm's description of the proxy token.
    public static let proxyTokenDescription = "Proxy for managing TTL for the kubeadm-certs secret"
    /// kubeadm's `DefaultCertTokenDuration`, two hours.
    public static let defaultTTL: TimeInterval = 2 * 3600
}
