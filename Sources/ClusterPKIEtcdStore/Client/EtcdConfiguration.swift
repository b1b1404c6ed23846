import ClusterPKIStore
import Foundation

/// Where etcd is and how to reach it: kubeadm's `etcd.external` fields plus a key prefix and a per-call deadline.
public struct EtcdConfiguration: Sendable, Hashable {
    /// `HOST:PORT` (or `https://HOST:PORT`), tried in order with failover.
    public var endpoints: [String]
    /// The etcd CA (`etcd/ca.crt`): the only trust root for the members' serving certificates.
    public var caFile: String
    /// The client certificate (signed by the etcd CA, client auth); `nil` only for etcd without client-cert auth.
    public var certFile: String?
    public var keyFile: String?
    /// Every key lives under this prefix; never the API server's `/registry/`.
    public var prefix: String
    /// How long one store operation may take across all endpoints before it fails with ``StoreError/unavailable(endpoints:detail:)``.
    public var deadline: Duration

    /// The default key prefix.
    public static let defaultPrefix = "/clusterpki/"
    /// The default per-call deadline.
    public static let defaultDeadline: Duration = .seconds(5)

    public init(
        endpoints: [String], caFile: String, certFile: String?, keyFile: String?,
        prefix: String = Self.defaultPrefix, deadline: Duration = Self.defaultDeadline
    ) {
        self.endpoints = endpoints
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.prefix = prefix
        self.deadline = deadline
    }

    /// Checks the fields before anything connects.
    func validate() throws {
        guard !endpoints.isEmpty else { throw StoreError.invalidEtcdConfiguration("no endpoint given") }
        guard prefix.hasPrefix("/"), prefix.hasSuffix("/"), prefix.count > 1 else {
            throw StoreError.invalidEtcdConfiguration(
                "the key prefix \(prefix) must start and end with '/', e.g. /clusterpki/")
        }
        guard !prefix.hasPrefix("/registry/") else {
            throw StoreError.invalidEtcdConfiguration(
                "the key prefix \(prefix) is the API server's; use another one such as /clusterpki/")
        }
        guard (certFile == nil) == (keyFile == nil) else {
            throw StoreError.invalidEtcdConfiguration("a client certificate needs its key, and a key its certificate")
        }
        for file in [caFile, certFile, keyFile].compactMap({ $0 })
        where !FileManager.default.isReadableFile(atPath: file) {
            throw StoreError.invalidEtcdConfiguration("cannot read \(file)")
        }
        guard deadline > .zero else { throw StoreError.invalidEtcdConfiguration("the deadline must be positive") }
        for endpoint in endpoints { _ = try EtcdEndpoint(parsing: endpoint) }
    }
}
