import ClusterPKIAPI
import ClusterPKICore
import Foundation
import NIOSSL
import X509

/// What token discovery establishes: the cluster's CA bundle, verified by pin and JWS, and its kubeconfig.
public struct DiscoveredCluster: Sendable {
    /// The server that answered discovery.
    public var server: String
    public var caCertificates: [Certificate]
    public var caPEM: String
    public var kubeconfig: String
}

/// Token discovery as kubeadm does it (spec 5.5): insecure fetch, JWS and pin checks, then a pinned second fetch.
///
/// With several servers, both fetches of one attempt go to the same server (each replica may advertise its own
/// address in cluster-info); a server that does not answer is left for the next one, and the attempt starts over.
struct Discovery: Sendable {
    /// One server, or several separated by commas.
    let server: String
    let tokenID: String
    let tokenSecret: String
    let pins: [DiscoveryHash]
    let retry: Retry
    var failover = ServerFailover()

    func run(progress: @Sendable (String) -> Void) async throws -> DiscoveredCluster {
        guard !pins.isEmpty else { throw JoinError.missingCAPins }
        progress("[discovery] Trying to connect to API Server \"\(server)\"")
        let insecure = try APIClient.make(server: server, trust: .insecure, bearerToken: nil, failover: failover)
        defer { Task { await insecure.shutdown() } }
        let cluster = try await retry.run(step: "discovery") { () -> Retry.Outcome<DiscoveredCluster> in
            let response = try await insecure.send(.GET, APIPaths.clusterInfo)
            guard response.status == 200 else {
                return .again("HTTP \(response.status): \(APIClient.message(of: response))")
            }
            let data = try Self.clusterInfo(response).data
            guard let kubeconfig = data["kubeconfig"], !kubeconfig.isEmpty else {
                throw JoinError.noKubeconfigInClusterInfo
            }
            guard let signature = data["jws-kubeconfig-\(tokenID)"] else {
                return .againOrFail(JoinError.tokenNotValidForCluster(id: tokenID))
            }
            guard DetachedJWS.isValid(signature, content: kubeconfig, tokenID: tokenID, tokenSecret: tokenSecret) else {
                throw JoinError.badSignature
            }
            let contents = try Self.certificateAuthority(in: kubeconfig)
            let presented = try contents.certificates.map { try DiscoveryHash(of: $0) }
            guard presented.contains(where: pins.contains) else {
                throw JoinError.pinMismatch(presented: presented.map(\.description))
            }
            // The second fetch, over TLS verified with the pinned CA, from the server that answered the first.
            let roots = try NIOSSLCertificate.fromPEMBytes(Array(contents.caPEM.utf8))
            let pinned = try APIClient.make(server: response.server, trust: .pinned(roots), bearerToken: nil)
            defer { Task { await pinned.shutdown() } }
            let second = try await pinned.send(.GET, APIPaths.clusterInfo)
            guard second.status == 200 else {
                return .again("HTTP \(second.status) over verified TLS: \(APIClient.message(of: second))")
            }
            guard try Self.clusterInfo(second).data["kubeconfig"] ?? "" == kubeconfig else {
                throw JoinError.kubeconfigChanged
            }
            return .done(
                DiscoveredCluster(
                    server: Self.hostPort(response.server), caCertificates: contents.certificates,
                    caPEM: contents.caPEM, kubeconfig: kubeconfig))
        }
        progress(
            "[discovery] Cluster info signature and contents are valid and the CA public key is pinned; will use API Server \"\(cluster.server)\""
        )
        return cluster
    }

    /// `host:port` of a base URL, as the server was given.
    static func hostPort(_ base: String) -> String {
        base.hasPrefix("https://") ? String(base.dropFirst("https://".count)) : base
    }

    /// The `kube-public/cluster-info` ConfigMap of a 200 answer.
    static func clusterInfo(_ response: APIClient.Response) throws -> ConfigMap {
        try APIClient.decode(ConfigMap.self, from: response, what: "cluster-info")
    }

    /// The CA bundle of the last cluster in a cluster-info kubeconfig.
    static func certificateAuthority(in kubeconfig: String) throws -> ClusterInfoKubeconfig.Contents {
        do {
            return try ClusterInfoKubeconfig.parse(kubeconfig)
        } catch let error as ClusterInfoKubeconfig.Malformed {
            throw JoinError.malformedResponse(error.reason)
        }
    }
}
