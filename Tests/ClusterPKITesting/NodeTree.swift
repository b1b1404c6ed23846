import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// A whole control-plane node as `init` and the daily `rotate` leave it, made at ``TestSupport/start`` under `root`:
/// every certificate and kubeconfig file of the kubeadm policy, the state database `<root>/var/state.db` with its key
/// in `pki/`, and the rotate report `<root>/var/rotate-report.json`. For the health model's tests.
public struct NodeTree: Sendable {
    public let root: URL
    public let context: TreeContext
    public let store: SQLiteStateStore

    public var database: String { root.appendingPathComponent("var/state.db").path }
    public var keyURL: URL { context.directory.root.appendingPathComponent(StoreKey.defaultFileName) }
    public var rotateReport: URL { root.appendingPathComponent("var/rotate-report.json") }

    /// Makes the tree (certs, kubeconfigs with their credentials in the ledger, a rotate report of that day).
    public static func make(_ root: URL) async throws -> NodeTree {
        let context = try await TestSupport.tree(root)
        let key = try StoreKey.loadOrCreate(at: context.directory.root.appendingPathComponent(StoreKey.defaultFileName))
        let store = try SQLiteStateStore(path: root.appendingPathComponent("var/state.db").path, storeKey: key)
        try await KubeconfigPhase(context: context).generate(
            ["all"], recorder: { LedgerRecorder(ledger: store, actor: "test", now: context.now) })
        let tree = NodeTree(root: root, context: context, store: store)
        let report = try await ScheduledRenewal(context: context, store: store, actor: "test").run()
        try report.write(to: tree.rotateReport)
        return tree
    }

    /// The same tree seen at `date`.
    public func at(_ date: Date) -> TreeContext { TestSupport.at(context, date) }
}
