import Foundation

/// Where a leaf's subject alternative names come from (spec 1.3).
public enum SANSource: String, Sendable, Codable {
    case none
    case apiserver
    case etcdServer = "etcd-server"
    case etcdPeer = "etcd-peer"
}

/// A key usage bit a profile may request.
public enum KeyUsageName: String, Sendable, Codable, CaseIterable {
    case digitalSignature, keyEncipherment, keyCertSign, cRLSign, contentCommitment, keyAgreement, dataEncipherment
}

/// An extended key usage a profile may request.
public enum ExtKeyUsageName: String, Sendable, Codable, CaseIterable {
    case serverAuth, clientAuth
}

/// One certificate of the tree as the policy describes it: kubeadm's `KubeadmCert` as data.
public struct CertificateProfile: Sendable, Codable, Hashable {
    /// kubeadm's name, e.g. `apiserver`, `etcd-ca`.
    public var name: String
    /// File base name under the pki dir, e.g. `etcd/server`.
    public var baseName: String
    /// The CA that signs it; nil for a self-signed CA.
    public var issuer: String?
    /// Common name; `${nodeName}` is replaced by the node name.
    public var commonName: String
    public var organizations: [String]?
    public var keyUsages: [KeyUsageName]
    public var extKeyUsages: [ExtKeyUsageName]?
    public var subjectAltNames: SANSource?
    /// `local` if the certificate exists only with stacked (local) etcd.
    public var etcd: String?
    /// `etcd` if the certificate exists only when the state store is etcd (issued then, and renewed while its file
    /// exists).
    public var store: String? = nil
    public var validity: GoDuration?
    public var longName: String

    public var isCertificateAuthority: Bool { issuer == nil }
    public var requiresLocalEtcd: Bool { etcd == "local" }
    public var requiresEtcdStore: Bool { store == "etcd" }

    public func commonName(nodeName: String) -> String {
        commonName.replacingOccurrences(of: "${nodeName}", with: nodeName)
    }
}

/// The service-account signing key pair (not X.509).
public struct ServiceAccountProfile: Sendable, Codable, Hashable {
    public var name: String
    public var baseName: String
}

/// A kubeconfig file with an embedded client certificate (spec 2.1).
public struct KubeconfigProfile: Sendable, Codable, Hashable {
    public var file: String
    public var commonName: String
    public var organizations: [String]?
    /// `controlPlaneEndpoint` or `localAPIEndpoint`.
    public var server: String
    /// Written by `init` only (not on joined control-plane nodes).
    public var initOnly: Bool?
    /// Listed by `certs renew`/`check-expiration` (kubelet.conf is not: the kubelet rotates it).
    public var renewable: Bool?
    public var longName: String?
}

/// Defaults and limits for credentials minted for people.
public struct UserCredentialPolicy: Sendable, Codable, Hashable {
    public var defaultValidity: GoDuration
    public var maxValidity: GoDuration
    /// Groups refused unless the caller explicitly allows superuser credentials.
    public var privilegedOrganizations: [String]
}

/// Brute-force protection for bootstrap-token authentication.
public struct TokenAuthenticationPolicy: Sendable, Codable, Hashable {
    public var maxFailures: Int
    public var window: GoDuration
    public var backoff: GoDuration
}

/// Validity defaults of the tree.
public struct ValidityPolicy: Sendable, Codable, Hashable {
    public var certificateAuthority: GoDuration
    public var certificate: GoDuration
    public var backdate: GoDuration
}
