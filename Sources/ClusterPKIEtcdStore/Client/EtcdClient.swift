import ClusterPKIStore
import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization

/// A client of etcd's v3 gRPC API over mTLS, with failover between several members and a per-call deadline.
///
/// One gRPC connection per endpoint, opened lazily. A call goes to the member that answered last; when that member
/// is unreachable (`UNAVAILABLE`: refused, TLS failure, no leader) the next one is tried, within one overall
/// deadline. When every member failed, the call throws ``StoreError/unavailable(endpoints:detail:)`` naming each
/// endpoint tried and its cause. Every key must lie under ``EtcdConfiguration/prefix``.
public final class EtcdClient: Sendable {
    typealias Transport = HTTP2ClientTransport.Posix

    struct Member: Sendable {
        let endpoint: EtcdEndpoint
        let grpc: GRPCClient<Transport>
    }

    /// What the client was built from.
    public let configuration: EtcdConfiguration
    let members: [Member]
    /// The index of the member that answered last: the first one asked next time.
    let preferred = Mutex(0)
    private let connections: Task<Void, Never>
    /// Tests only: every transaction is sent twice and the second answer returned, as when a member applied a write
    /// but its answer was lost and the client sent it again to the next member.
    let deliversTransactionsTwice: Bool

    /// Builds the connections (nothing is dialled before the first call); fails on an invalid configuration.
    public convenience init(configuration: EtcdConfiguration) throws {
        try self.init(configuration: configuration, deliveringTransactionsTwice: false)
    }

    init(configuration: EtcdConfiguration, deliveringTransactionsTwice: Bool) throws {
        try configuration.validate()
        self.configuration = configuration
        self.deliversTransactionsTwice = deliveringTransactionsTwice
        let security = Self.transportSecurity(configuration)
        members = try configuration.endpoints.map { text in
            let endpoint = try EtcdEndpoint(parsing: text)
            do {
                let transport = try Transport(
                    target: endpoint.target, transportSecurity: security,
                    config: .defaults { config in
                        // A member that comes back is used again within seconds, not after gRPC's two-minute maximum.
                        config.backoff = .init(
                            initial: .milliseconds(200), max: .seconds(5), multiplier: 1.6, jitter: 0.2)
                    })
                return Member(endpoint: endpoint, grpc: GRPCClient(transport: transport))
            } catch {
                // gRPC loads the PEM files here; its error names no file.
                throw StoreError.invalidEtcdConfiguration(
                    "cannot use the etcd CA \(configuration.caFile) or the client certificate and key (\(error)); they must be PEM files"
                )
            }
        }
        let clients = members.map(\.grpc)
        connections = Task {
            await withTaskGroup(of: Void.self) { group in
                for client in clients { group.addTask { try? await client.runConnections() } }
            }
        }
    }

    /// Closes every connection once the calls in flight have finished.
    public func close() async {
        for member in members { member.grpc.beginGracefulShutdown() }
        await connections.value
    }

    deinit {
        for member in members { member.grpc.beginGracefulShutdown() }
    }

    /// The endpoints, as given.
    public var endpoints: [String] { members.map(\.endpoint.description) }

    /// mTLS whose only trust root is the etcd CA: the system roots must never vouch for an etcd member.
    static func transportSecurity(_ configuration: EtcdConfiguration) -> Transport.TransportSecurity {
        let roots: TLSConfig.TrustRootsSource = .certificates([.file(path: configuration.caFile, format: .pem)])
        guard let certFile = configuration.certFile, let keyFile = configuration.keyFile else {
            return .tls { $0.trustRoots = roots }
        }
        return .mTLS(
            certificateChain: [.file(path: certFile, format: .pem)], privateKey: .file(path: keyFile, format: .pem)
        ) {
            $0.trustRoots = roots
        }
    }
}
