import ClusterPKIStore
import Foundation

extension EtcdStateStore: StoreHealthReporting {
    /// Each member's status (reachable, knows a leader, no alarm) and the client certificate and CA the store connects
    /// with, for `clusterpki doctor`, the status page and `/metrics`.
    public func storeHealth(now: Date) async -> StoreHealth {
        let endpoints = await client.endpointStatus().map { status in
            StoreHealth.Endpoint(name: status.endpoint, healthy: status.isHealthy, detail: Self.detail(status))
        }
        let configuration = client.configuration
        return StoreHealth(
            backend: "etcd", endpoints: endpoints,
            clientCertificate: configuration.certFile.map(URL.init(fileURLWithPath:)),
            certificateAuthority: URL(fileURLWithPath: configuration.caFile))
    }

    static func detail(_ status: EtcdEndpointStatus) -> String {
        if let failure = status.failure { return "unreachable: \(failure)" }
        if (status.leader ?? 0) == 0 { return "knows no leader (no quorum)" }
        if !status.errors.isEmpty { return "reports \(status.errors.joined(separator: ", "))" }
        return "healthy\(status.isLeader ? ", leader" : "")\(status.version.map { ", etcd \($0)" } ?? "")"
    }
}
