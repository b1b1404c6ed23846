/// `clusterpki.io/v1alpha1` UserKubeconfig: an admin asks the server to mint a kubeconfig for a person.
public struct UserKubeconfigObject: Codable, Sendable, Hashable {
    public struct Spec: Codable, Sendable, Hashable {
        /// The CN; defaults to `metadata.name`.
        public var username: String?
        /// The O values.
        public var groups: [String]?
        /// A Go duration; defaults to the policy's `userCredentials.defaultValidity`.
        public var validity: String?
        /// The `server:` of the kubeconfig; defaults to the cluster's control-plane endpoint.
        public var server: String?

        public init(username: String? = nil, groups: [String]? = nil, validity: String? = nil, server: String? = nil) {
            self.username = username
            self.groups = groups
            self.validity = validity
            self.server = server
        }
    }

    public struct Status: Codable, Sendable, Hashable {
        public var kubeconfig: String
        public var serial: String
        public var notAfter: String

        public init(kubeconfig: String, serial: String, notAfter: String) {
            self.kubeconfig = kubeconfig
            self.serial = serial
            self.notAfter = notAfter
        }
    }

    public var kind: String? = "UserKubeconfig"
    public var apiVersion: String? = APIPaths.clusterPKIGroupVersion
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
