import Foundation

/// A store backend that can tell how it is doing beyond "it opened": `clusterpki doctor`, the status page and
/// `/metrics` ask it through this seam and turn the answer into findings.
///
/// The SQLite store does not adopt it (opening the file is its whole health). The etcd store is meant to: one
/// endpoint per member (reachable, leader, errors from its status call) and the client certificate and CA it connects
/// with, which the health model checks for expiry and chain like the certificates of the tree.
public protocol StoreHealthReporting: Sendable {
    func storeHealth(now: Date) async -> StoreHealth
}

/// What a backend reports about itself.
public struct StoreHealth: Sendable, Hashable {
    /// One server the store talks to (an etcd member).
    public struct Endpoint: Sendable, Hashable {
        public var name: String
        public var healthy: Bool
        /// What the server said or why it could not be reached.
        public var detail: String

        public init(name: String, healthy: Bool, detail: String) {
            self.name = name
            self.healthy = healthy
            self.detail = detail
        }
    }

    /// e.g. `etcd`.
    public var backend: String
    public var endpoints: [Endpoint]
    /// The client certificate the store connects with, if any.
    public var clientCertificate: URL?
    /// The CA bundle that must have signed it (the etcd CA).
    public var certificateAuthority: URL?

    public init(backend: String, endpoints: [Endpoint], clientCertificate: URL? = nil, certificateAuthority: URL? = nil)
    {
        self.backend = backend
        self.endpoints = endpoints
        self.clientCertificate = clientCertificate
        self.certificateAuthority = certificateAuthority
    }
}
