/// `clusterpki.io/v1alpha1` CertificateUpload: an admin asks the server to seal and store the shared certificates.
public struct CertificateUploadObject: Codable, Sendable, Hashable {
    public struct Spec: Codable, Sendable, Hashable {
        /// 64 hex characters; a new key is generated when absent.
        public var certificateKey: String?

        public init(certificateKey: String? = nil) { self.certificateKey = certificateKey }
    }

    public struct Status: Codable, Sendable, Hashable {
        public var certificateKey: String
        public var expires: String?
        public var proxyTokenID: String
        public var keys: [String]

        public init(certificateKey: String, expires: String?, proxyTokenID: String, keys: [String]) {
            self.certificateKey = certificateKey
            self.expires = expires
            self.proxyTokenID = proxyTokenID
            self.keys = keys
        }
    }

    public var kind: String? = "CertificateUpload"
    public var apiVersion: String? = APIPaths.clusterPKIGroupVersion
    public var metadata: ObjectMeta?
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta? = nil, spec: Spec? = nil, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
