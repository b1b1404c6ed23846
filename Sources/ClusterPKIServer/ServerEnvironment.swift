import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Logging

/// The endpoint's inputs: the store, the cluster CA, the policy and the addresses it advertises.
public struct ServerEnvironment: Sendable {
    public var store: any StateStore
    /// Policy, cluster settings and the pki dir.
    public var tree: TreeContext
    /// The cluster CA as the files hold it now; followed while the server runs, so a CA rotation needs no restart.
    public var authorities: ClusterCAWatcher
    /// The signing CA now (`ca.key` and the first certificate of `ca.crt`): signs CSRs, user credentials and the
    /// serving certificate.
    public var authority: CertificateAuthority { authorities.current().signing }
    /// The bytes of `ca.crt` now (old + new during a rotation), served in cluster-info.
    public var caPEM: Data { authorities.current().bundlePEM }
    /// The `server:` of the cluster-info kubeconfig, e.g. `https://10.0.0.10:9443`.
    public var advertiseURL: String
    /// The server of user kubeconfigs minted here when the request names none: the API server URL `init` recorded
    /// (``ServeEndpoint``); nil falls back to the tree's settings.
    public var apiServerURL: String?
    public var peer: any ConnectionPeer
    public var metrics: ServerMetrics
    public var now: @Sendable () -> Date
    public var startTime: Date
    /// Bootstrap-token brute-force defence and failure tallies, shared by every request of this server.
    public var authThrottle: AuthThrottle
    /// The store and rotate-report paths the health model of `/metrics` and `/ui/` reads.
    public var health = ServerHealth()
    /// The state store's key file, sealed into uploads made through this server when the store is shared by several
    /// nodes (etcd); nil leaves it out.
    public var stateKeyFile: URL?

    /// An environment whose CA never changes.
    public init(
        store: any StateStore, tree: TreeContext, authority: CertificateAuthority, caPEM: Data, advertiseURL: String,
        peer: any ConnectionPeer = TLSConnectionPeer(), metrics: ServerMetrics = ServerMetrics(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            store: store, tree: tree, authorities: ClusterCAWatcher(fixed: authority, bundlePEM: caPEM),
            advertiseURL: advertiseURL,
            peer: peer, metrics: metrics, now: now)
    }

    public init(
        store: any StateStore, tree: TreeContext, authorities: ClusterCAWatcher, advertiseURL: String,
        peer: any ConnectionPeer = TLSConnectionPeer(), metrics: ServerMetrics = ServerMetrics(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.tree = tree
        self.authorities = authorities
        self.advertiseURL = advertiseURL
        self.peer = peer
        self.metrics = metrics
        self.now = now
        self.startTime = now()
        self.authThrottle = AuthThrottle(policy: TokenAuthPolicy(tree.policy.tokenAuthentication))
    }

    public var policy: PKIPolicy { tree.policy }
    public var serverPolicy: ServerPolicy { tree.policy.serverPolicy }
}
