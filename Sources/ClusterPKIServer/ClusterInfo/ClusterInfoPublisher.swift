import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import NIOConcurrencyHelpers

/// Serves `kube-public/cluster-info`: the kubeconfig plus one `jws-kubeconfig-<id>` per signing token, as the
/// BootstrapSigner would keep it (spec 5.2).
///
/// The encoded ConfigMap is cached for `maxAge` seconds, so anonymous discovery traffic costs one store read per
/// second rather than one per request; a token created or deleted through this server invalidates it at once (through
/// another replica of a shared store: see ``ClusterInfoRefresher``), and so does a change of `ca.crt` (a CA rotation):
/// the kubeconfig is rendered from the bundle and re-signed for every token.
public final class ClusterInfoPublisher: Sendable {
    private let caPEM: @Sendable () -> Data
    private let server: String
    private let tokens: any SigningTokenSource
    private let maxAge: TimeInterval
    private let created: Date
    private let uid: String
    private let cache = NIOLockedValueBox<(body: Data, expires: Date, caPEM: Data)?>(nil)
    private let version = NIOLockedValueBox<(count: Int, data: [String: String])>((0, [:]))

    public convenience init(
        caPEM: Data, server: String, tokens: any SigningTokenSource, created: Date, maxAge: TimeInterval = 1
    ) {
        self.init(caPEM: { caPEM }, server: server, tokens: tokens, created: created, maxAge: maxAge)
    }

    /// `caPEM` gives the bytes of `ca.crt` now; it is asked at every request, so it must be cheap.
    public init(
        caPEM: @escaping @Sendable () -> Data, server: String, tokens: any SigningTokenSource, created: Date,
        maxAge: TimeInterval = 1
    ) {
        self.caPEM = caPEM
        self.server = server
        self.tokens = tokens
        self.maxAge = maxAge
        self.created = created
        self.uid = Self.uid(caPEM())
    }

    /// The publisher of `environment`: its CA bundle as the files hold it now, its advertised URL, its store's tokens.
    public convenience init(environment: ServerEnvironment, maxAge: TimeInterval = 1) {
        self.init(
            caPEM: { [authorities = environment.authorities] in authorities.current().bundlePEM },
            server: environment.advertiseURL, tokens: environment.store, created: environment.startTime, maxAge: maxAge)
    }

    /// The cluster-info kubeconfig for the current `ca.crt`.
    public var kubeconfig: String { ClusterInfoKubeconfig.render(caPEM: caPEM(), server: server) }

    /// Drops the cached ConfigMap (after a token change made through this server).
    public func invalidate() {
        cache.withLockedValue { $0 = nil }
    }

    /// The `data` map: `kubeconfig` and the signatures.
    public func data(now: Date) async throws -> [String: String] {
        try await data(now: now, kubeconfig: kubeconfig)
    }

    func data(now: Date, kubeconfig: String) async throws -> [String: String] {
        var data = ["kubeconfig": kubeconfig]
        for token in try await tokens.signingTokens(now: now) {
            data["jws-kubeconfig-\(token.id)"] = DetachedJWS.sign(
                content: kubeconfig, tokenID: token.id, tokenSecret: token.secret)
        }
        return data
    }

    /// The object's uid, derived from the CA bundle at start (an object keeps its uid when its data changes).
    static func uid(_ caPEM: Data) -> String { KubernetesUID.derived(from: caPEM) }

    /// The ConfigMap as JSON, from the cache when fresh.
    public func body(now: Date) async throws -> Data {
        let pem = caPEM()
        if let cached = cache.withLockedValue({ $0 }), cached.expires > now, cached.caPEM == pem { return cached.body }
        let data = try await data(now: now, kubeconfig: ClusterInfoKubeconfig.render(caPEM: pem, server: server))
        // The resource version moves whenever the kubeconfig or the set of signatures changes, as the API server's would.
        let resourceVersion = version.withLockedValue { state -> Int in
            if state.count == 0 || state.data != data { state = (state.count + 1, data) }
            return state.count
        }
        let object = ConfigMap(
            metadata: ObjectMeta(
                name: "cluster-info", namespace: "kube-public", uid: uid, resourceVersion: String(resourceVersion),
                creationTimestamp: RFC3339.format(created)),
            data: data)
        let body = try KubernetesJSON.encode(object)
        cache.withLockedValue { $0 = (body, now + maxAge, pem) }
        return body
    }
}
