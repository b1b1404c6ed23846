/// `clusterpki.io/v1alpha1` IssuedCredential: a joining control-plane node reports a client certificate it minted
/// locally (for admin.conf, controller-manager.conf, scheduler.conf) so that the server records it in the credential
/// ledger before the node writes the file. POSTed with the node's bootstrap token to ``APIPaths/issuedCredentials``.
public struct IssuedCredentialObject: Codable, Sendable, Hashable {
    public struct Spec: Codable, Sendable, Hashable {
        /// Base64 of the PEM `CERTIFICATE`: the server reads serial, subject and NotAfter from it, never from the caller.
        public var certificate: String

        public init(certificate: String) { self.certificate = certificate }
    }

    public struct Status: Codable, Sendable, Hashable {
        /// The serial as the ledger spells it (lowercase hex).
        public var serial: String
        public var commonName: String
        public var organizations: [String]
        public var notAfter: String

        public init(serial: String, commonName: String, organizations: [String], notAfter: String) {
            self.serial = serial
            self.commonName = commonName
            self.organizations = organizations
            self.notAfter = notAfter
        }
    }

    public var kind: String? = "IssuedCredential"
    public var apiVersion: String? = APIPaths.clusterPKIGroupVersion
    public var metadata: ObjectMeta?
    public var spec: Spec
    public var status: Status?

    public init(metadata: ObjectMeta? = nil, spec: Spec, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
