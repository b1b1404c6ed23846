import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKISQLiteStore
import ClusterPKIServer
import ClusterPKIStore
import Crypto
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import Testing
import X509

/// A cluster in a fresh temporary directory (ECDSA P-256 keys, for speed) with a real SQLite store, removed on deinit.
///
/// Two starting points: ``init(policy:now:)`` is a control plane whose cluster CA already exists (`<root>/pki`) and
/// whose clock the test moves, as the endpoint tests want; ``empty(controlPlaneEndpoint:clusterName:)`` is an empty
/// kubernetes dir (`<root>/kubernetes`) the phases fill, as the kubeconfig and rotation tests want.
public final class TestCluster: @unchecked Sendable {
    public let root: URL
    public var settings: ClusterSettings
    public let policy: PKIPolicy
    public let clock: NIOLockedValueBox<Date>
    private let endpointAuthority: CertificateAuthority?
    private let storePath: String
    private let storeKey = StoreKey.random()
    private let opened = NIOLockedValueBox<SQLiteStateStore?>(nil)

    /// A control plane with a P-256 cluster CA in `<root>/pki`, node `cp-1` at 192.0.2.10.
    public convenience init(policy: PKIPolicy? = nil, now: Date = Date()) throws {
        try self.init(policy: policy, now: now, endpointCA: true, controlPlaneEndpoint: nil, clusterName: "kubernetes")
    }

    /// An empty kubernetes dir `<root>/kubernetes` for node `node-1` at 10.0.0.10; phases create the tree.
    public static func empty(controlPlaneEndpoint: String? = "lb.example.com:6443", clusterName: String = "kubernetes")
        throws -> TestCluster
    {
        try TestCluster(
            policy: nil, now: Date(), endpointCA: false, controlPlaneEndpoint: controlPlaneEndpoint,
            clusterName: clusterName)
    }

    private init(policy: PKIPolicy?, now: Date, endpointCA: Bool, controlPlaneEndpoint: String?, clusterName: String)
        throws
    {
        root = try TemporaryDirectory(prefix: "clusterpki-cluster").url
        var settings = ClusterSettings(kubernetesDir: endpointCA ? root : root.appendingPathComponent("kubernetes"))
        settings.nodeName = endpointCA ? "cp-1" : "node-1"
        settings.advertiseAddress = endpointCA ? "192.0.2.10" : "10.0.0.10"
        settings.controlPlaneEndpoint = controlPlaneEndpoint
        settings.clusterName = clusterName
        settings.encryptionAlgorithm = .ecdsaP256
        self.settings = settings
        self.policy = try policy ?? TestSupport.policy("kubeadm")
        clock = NIOLockedValueBox(now)
        storePath =
            endpointCA
            ? root.appendingPathComponent("state.db").path : root.appendingPathComponent("state/state.db").path
        if endpointCA {
            let pki = root.appendingPathComponent("pki")
            try FileManager.default.createDirectory(at: pki, withIntermediateDirectories: true)
            let authority = try Self.makeCA(commonName: "kubernetes", now: now)
            try Data(try PEMCertificates.encode([authority.certificate]).utf8).write(
                to: pki.appendingPathComponent("ca.crt"))
            try Data(try authority.key!.pemString().utf8).write(to: pki.appendingPathComponent("ca.key"))
            self.endpointAuthority = authority
            opened.withLockedValue { $0 = try? SQLiteStateStore(path: storePath, storeKey: storeKey) }
        } else {
            self.endpointAuthority = nil
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// A self-signed P-256 CA valid for ten years from `now`.
    public static func makeCA(commonName: String, now: Date) throws -> CertificateAuthority {
        try CertificateAuthority.selfSigned(
            name: "ca", commonName: commonName, key: .p256(P256.Signing.PrivateKey()),
            keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true),
            notBefore: now - 300, notAfter: now + 10 * 365 * 86400)
    }

    // MARK: Time

    public var now: Date { clock.withLockedValue { $0 } }
    public func advance(_ seconds: TimeInterval) { clock.withLockedValue { $0 += seconds } }

    // MARK: The tree

    /// Policy and settings at the wall clock, as a command run now sees them.
    public var context: TreeContext { TreeContext(policy: policy, settings: settings) }
    /// Policy and settings at the test clock's start, as the endpoint sees them.
    public var tree: TreeContext { TreeContext(policy: policy, settings: settings, now: now) }
    public var directory: URL { root }
    public var kubernetesDir: URL { settings.kubernetesDir }
    public func url(_ file: String) -> URL { kubernetesDir.appendingPathComponent(file) }
    public func read(_ file: String) throws -> String { try String(contentsOf: url(file), encoding: .utf8) }

    /// Creates certificates of the tree with the certs phase (only `ca` unless asked for more).
    @discardableResult
    public func makeCertificates(_ names: [String] = ["ca"]) async throws -> Self {
        try await CertsPhase(context: context).generate(names)
        return self
    }

    /// The PEM of the cluster CA as the files hold it.
    public func caCertificatePEM() throws -> String {
        try PEMCertificates.encode([try #require(try context.directory.readCertificates("ca")?.first)])
    }

    /// The CA made at start (endpoint clusters only).
    public var authority: CertificateAuthority {
        guard let endpointAuthority else {
            fatalError("TestCluster.authority: an empty cluster has no CA until makeCertificates()")
        }
        return endpointAuthority
    }

    /// The bytes of the endpoint cluster's CA certificate.
    public var caPEM: Data { Data(((try? PEMCertificates.encode([authority.certificate])) ?? "").utf8) }

    // MARK: The state store

    /// The endpoint cluster's state store (opened at start); an empty cluster opens it with ``ledger()``.
    public var store: SQLiteStateStore {
        guard let store = opened.withLockedValue({ $0 }) else {
            fatalError("TestCluster.store: call ledger() first on an empty cluster")
        }
        return store
    }

    /// The state store (and its credential ledger), created on first use: one instance per cluster.
    public func ledger() throws -> SQLiteStateStore {
        try opened.withLockedValue { store in
            if let store { return store }
            let created = try SQLiteStateStore(path: storePath, storeKey: storeKey)
            store = created
            return created
        }
    }
}
