import Foundation

/// A kubeconfig file (client-go `clientcmd/api/v1.Config`) with the fields kubeadm writes.
///
/// Coding keys are declared in client-go's serialized order (alphabetical), so encoding with Yams gives the
/// exact shape of spec 2.2; unknown fields of a decoded file are ignored.
public struct KubeConfig: Sendable, Hashable, Codable {
    public var apiVersion = "v1"
    public var clusters: [NamedCluster]
    public var contexts: [NamedContext]
    public var currentContext: String
    public var kind = "Config"
    /// `{}` as older client-go writes it; nil when a file omits it (newer client-go).
    public var preferences: Preferences? = Preferences()
    public var users: [NamedUser]

    enum CodingKeys: String, CodingKey {
        case apiVersion, clusters, contexts, currentContext = "current-context", kind, preferences, users
    }

    public init(clusters: [NamedCluster], contexts: [NamedContext], currentContext: String, users: [NamedUser]) {
        self.clusters = clusters
        self.contexts = contexts
        self.currentContext = currentContext
        self.users = users
    }

    /// The single-cluster, single-user file kubeadm writes: context `<user>@<cluster>`.
    public init(clusterName: String, server: String, caPEM: String, userName: String, user: AuthInfo) {
        let contextName = "\(userName)@\(clusterName)"
        self.init(
            clusters: [
                NamedCluster(
                    cluster: Cluster(certificateAuthorityData: Data(caPEM.utf8).base64EncodedString(), server: server),
                    name: clusterName)
            ],
            contexts: [NamedContext(context: Context(cluster: clusterName, user: userName), name: contextName)],
            currentContext: contextName,
            users: [NamedUser(name: userName, user: user)])
    }

    public struct Preferences: Sendable, Hashable, Codable {
        public init() {}
    }

    public struct NamedCluster: Sendable, Hashable, Codable {
        public var cluster: Cluster
        public var name: String
        public init(cluster: Cluster, name: String) { self.cluster = cluster; self.name = name }
    }

    public struct Cluster: Sendable, Hashable, Codable {
        public var certificateAuthority: String?
        /// Base64 of the CA's PEM.
        public var certificateAuthorityData: String?
        public var server: String

        enum CodingKeys: String, CodingKey {
            case certificateAuthority = "certificate-authority", certificateAuthorityData =
                "certificate-authority-data", server
        }

        public init(certificateAuthority: String? = nil, certificateAuthorityData: String? = nil, server: String) {
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.server = server
        }
    }

    public struct NamedContext: Sendable, Hashable, Codable {
        public var context: Context
        public var name: String
        public init(context: Context, name: String) { self.context = context; self.name = name }
    }

    public struct Context: Sendable, Hashable, Codable {
        public var cluster: String
        public var namespace: String?
        public var user: String
        public init(cluster: String, namespace: String? = nil, user: String) {
            self.cluster = cluster
            self.namespace = namespace
            self.user = user
        }
    }

    public struct NamedUser: Sendable, Hashable, Codable {
        public var name: String
        public var user: AuthInfo
        public init(name: String, user: AuthInfo) { self.name = name; self.user = user }
    }

    /// Credentials of a user: an embedded client certificate and key, or a bearer token.
    public struct AuthInfo: Sendable, Hashable, Codable {
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?
        public var token: String?

        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate", clientCertificateData = "client-certificate-data"
            case clientKey = "client-key", clientKeyData = "client-key-data", token
        }

        public init(
            clientCertificate: String? = nil, clientCertificateData: String? = nil, clientKey: String? = nil,
            clientKeyData: String? = nil, token: String? = nil
        ) {
            self.clientCertificate = clientCertificate
            self.clientCertificateData = clientCertificateData
            self.clientKey = clientKey
            self.clientKeyData = clientKeyData
            self.token = token
        }

        /// Embedded PEM certificate and key, base64-encoded as client-go stores `[]byte`.
        public static func certificate(pem: String, keyPEM: String) -> AuthInfo {
            AuthInfo(
                clientCertificateData: Data(pem.utf8).base64EncodedString(),
                clientKeyData: Data(keyPEM.utf8).base64EncodedString())
        }
    }
}
