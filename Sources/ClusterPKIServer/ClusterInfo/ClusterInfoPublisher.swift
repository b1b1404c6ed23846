import ClusterPKICore
import Crypto
import ClusterPKIStore
import Foundation
import NIOConcurrencyHelpers

/// Where the cluster-info signatures come from: the live tokens with the `signing` usage.
public protocol SigningTokenSource: Sendable {
    func signingTokens(now: Date) async throws -> [BootstrapTokenString]
}

/// Serves `kube-public/cluster-info`: the kubeconfig plus one `jws-kubeconfig-<id>` per signing token, as the
/// BootstrapSigner would keep it (spec 5.2).
///
/// The encoded ConfigMap is cached for `maxAge` seconds, so anonymous discovery traffic costs one store read per
/// second rather than one per request; a token created or deleted through this server invalidates it at once.
public final class ClusterInfoPublisher: Sendable {
    public let kubeconfig: String
    private let tokens: any SigningTokenSource
    private let maxAge: TimeInterval
    private let created: Date
    private let uid: String
    private let cache = NIOLockedValueBox<(body: Data, expires: Date, signatures: [String: String])?>(nil)
    private let version = NIOLockedValueBox<(count: Int, signatures: [String: String])>((0, [:]))

    public init(caPEM: Data, server: String, tokens: any SigningTokenSource, created: Date, maxAge: TimeInterval = 1) {
        self.kubeconfig = ClusterInfoKubeconfig.render(caPEM: caPEM, server: server)
        self.tokens = tokens
        self.maxAge = maxAge
        self.created = created
        let digest = SHA256.hash(data: caPEM).prefix(16)
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        self.uid = "\(hex.prefix(8))-\(hex.dropFirst(8).prefix(4))-\(hex.dropFirst(12).prefix(4))-\(hex.dropFirst(16).prefix(4))-\(hex.dropFirst(20))"
    }

    /// Drops the cached ConfigMap (after a token change made through this server).
    public func invalidate() {
        cache.withLockedValue { $0 = nil }
    }

    /// The `data` map: `kubeconfig` and the signatures.
    public func data(now: Date) async throws -> [String: String] {
        var data = ["kubeconfig": kubeconfig]
        for token in try await tokens.signingTokens(now: now) {
            data["jws-kubeconfig-\(token.id)"] = DetachedJWS.sign(content: kubeconfig, tokenID: token.id, tokenSecret: token.secret)
        }
        return data
    }

    /// The ConfigMap as JSON, from the cache when fresh.
    public func body(now: Date) async throws -> Data {
        if let cached = cache.withLockedValue({ $0 }), cached.expires > now { return cached.body }
        var data = try await data(now: now)
        let signatures = data.filter { $0.key != "kubeconfig" }
        // The resource version moves whenever the set of signatures changes, as the API server's would.
        let resourceVersion = version.withLockedValue { state -> Int in
            if state.count == 0 || state.signatures != signatures { state = (state.count + 1, signatures) }
            return state.count
        }
        data["kubeconfig"] = kubeconfig
        let object = ConfigMap(
            metadata: ObjectMeta(
                name: "cluster-info", namespace: "kube-public", uid: uid, resourceVersion: String(resourceVersion),
                creationTimestamp: KubernetesJSON.timestamp(created)),
            data: data)
        let body = try KubernetesJSON.encode(object)
        cache.withLockedValue { $0 = (body, now + maxAge, signatures) }
        return body
    }
}
