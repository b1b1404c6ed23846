/// `certificates.k8s.io/v1` CertificateSigningRequest (spec 8.4).
public struct CertificateSigningRequestObject: Codable, Sendable, Hashable {
    public struct Spec: Codable, Sendable, Hashable {
        /// Base64 of the PEM `CERTIFICATE REQUEST`.
        public var request: String
        public var signerName: String
        public var expirationSeconds: Int?
        public var usages: [String]?
        public var username: String?
        public var uid: String?
        public var groups: [String]?
        public var extra: [String: [String]]?

        public init(request: String, signerName: String, expirationSeconds: Int? = nil, usages: [String]? = nil) {
            self.request = request
            self.signerName = signerName
            self.expirationSeconds = expirationSeconds
            self.usages = usages
        }
    }

    public struct Condition: Codable, Sendable, Hashable {
        public var type: String
        public var status: String
        public var reason: String?
        public var message: String?
        public var lastUpdateTime: String?
        public var lastTransitionTime: String?

        public init(
            type: String, status: String, reason: String?, message: String?, lastUpdateTime: String?,
            lastTransitionTime: String?
        ) {
            self.type = type
            self.status = status
            self.reason = reason
            self.message = message
            self.lastUpdateTime = lastUpdateTime
            self.lastTransitionTime = lastTransitionTime
        }
    }

    public struct Status: Codable, Sendable, Hashable {
        public var conditions: [Condition]?
        /// Base64 of the PEM `CERTIFICATE` block(s).
        public var certificate: String?

        public init(conditions: [Condition]?, certificate: String?) {
            self.conditions = conditions
            self.certificate = certificate
        }
    }

    public var kind: String? = "CertificateSigningRequest"
    public var apiVersion: String? = "certificates.k8s.io/v1"
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// The condition that ended the request (`Denied` or `Failed`), if any.
    public var failure: Condition? {
        status?.conditions?.first { $0.type == "Denied" || $0.type == "Failed" }
    }
}

extension CertificateSigningRequestObject {
    /// The annotation a joining node sets to declare the IP addresses its serving certificate may name.
    public static let nodeIPAnnotation = "clusterpki.io/node-ip"
    /// kubelet client certificates (`system:node:<name>`, O `system:nodes`).
    public static let kubeletClientSigner = "kubernetes.io/kube-apiserver-client-kubelet"
    /// kubelet serving certificates.
    public static let kubeletServingSigner = "kubernetes.io/kubelet-serving"
    /// The usages a kubelet asks for on its client certificate.
    public static let kubeletClientUsages = ["digital signature", "client auth"]
}
