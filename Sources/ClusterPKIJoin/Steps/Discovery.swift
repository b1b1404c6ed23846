import ClusterPKIAPI
import ClusterPKICore
import Foundation
import NIOSSL
import X509
import Yams

/// What token discovery establishes: the cluster's CA bundle, verified by pin and JWS, and its kubeconfig.
public struct DiscoveredCluster: Sendable {
    public var server: String
    public var caCertificates: [Certificate]
    public var caPEM: String
    public var kubeconfig: String
}

/// Token discovery as kubeadm does it (spec 5.5): insecure fetch, JWS and pin checks, then a pinned second fetch.
struct Discovery: Sendable {
    let server: String
    let tokenID: String
    let tokenSecret: String
    let pins: [DiscoveryHash]
    let retry: Retry

    static let path = "/api/v1/namespaces/kube-public/configmaps/cluster-info"

    func run(progress: @Sendable (String) -> Void) async throws -> DiscoveredCluster {
        guard !pins.isEmpty else { throw JoinError.missingCAPins }
        progress("[discovery] Trying to connect to API Server \"\(server)\"")
        let insecure = try APIClient.make(server: server, trust: .insecure, bearerToken: nil)
        defer { Task { await insecure.shutdown() } }
        let (kubeconfig, _) = try await retry.run(step: "discovery") { () -> Retry.Outcome<(String, String)> in
            let response = try await insecure.send(.GET, Self.path)
            guard response.status == 200 else { return .again("HTTP \(response.status): \(APIClient.message(of: response))") }
            let data = try Self.configMapData(response.body)
            guard let kubeconfig = data["kubeconfig"], !kubeconfig.isEmpty else { throw JoinError.noKubeconfigInClusterInfo }
            guard let signature = data["jws-kubeconfig-\(tokenID)"] else {
                return .againOrFail(JoinError.tokenNotValidForCluster(id: tokenID))
            }
            guard DetachedJWS.isValid(signature, content: kubeconfig, tokenID: tokenID, tokenSecret: tokenSecret) else {
                throw JoinError.badSignature
            }
            return .done((kubeconfig, signature))
        }
        let (caPEM, certificates) = try Self.certificateAuthority(in: kubeconfig)
        let presented = try certificates.map { try DiscoveryHash(of: $0) }
        guard presented.contains(where: pins.contains) else { throw JoinError.pinMismatch(presented: presented.map(\.description)) }
        progress("[discovery] Cluster info signature and contents are valid and the CA public key is pinned; will use API Server \"\(server)\"")

        let roots = try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8))
        let pinned = try APIClient.make(server: server, trust: .pinned(roots), bearerToken: nil)
        defer { Task { await pinned.shutdown() } }
        let second = try await retry.run(step: "discovery over verified TLS") { () -> Retry.Outcome<String> in
            let response = try await pinned.send(.GET, Self.path)
            guard response.status == 200 else { return .again("HTTP \(response.status): \(APIClient.message(of: response))") }
            return .done(try Self.configMapData(response.body)["kubeconfig"] ?? "")
        }
        guard second == kubeconfig else { throw JoinError.kubeconfigChanged }
        return DiscoveredCluster(server: server, caCertificates: certificates, caPEM: caPEM, kubeconfig: kubeconfig)
    }

    static func configMapData(_ body: Data) throws -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw JoinError.malformedResponse("cluster-info is not a JSON object")
        }
        return object["data"] as? [String: String] ?? [:]
    }

    /// The CA bundle of the last cluster in a kubeconfig.
    static func certificateAuthority(in kubeconfig: String) throws -> (String, [Certificate]) {
        guard let document = try? Yams.load(yaml: kubeconfig) as? [String: Any],
            let clusters = document["clusters"] as? [[String: Any]], let cluster = clusters.last?["cluster"] as? [String: Any],
            let encoded = cluster["certificate-authority-data"] as? String, let data = Data(base64Encoded: encoded)
        else { throw JoinError.malformedResponse("the cluster-info kubeconfig has no cluster with certificate-authority-data") }
        let pem = String(decoding: data, as: UTF8.self)
        return (pem, try PEMCertificates.parse(pem, path: "cluster-info certificate-authority-data"))
    }
}
