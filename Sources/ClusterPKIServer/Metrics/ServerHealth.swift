import ClusterPKICore
import ClusterPKIHealth
import ClusterPKIStore
import Foundation

/// What `clusterpki serve` tells the health model about its store and the rotate report, so `/metrics` and `/ui/`
/// show the findings `clusterpki doctor` prints for the same node.
public struct ServerHealth: Sendable {
    /// The database file (or a description for a backend without one); a relative value is not checked for its mode.
    public var database: String
    /// The store key file.
    public var key: String
    public var rotateReport: URL
    public var commands: FixCommands

    public init(
        database: String = "", key: String = "", rotateReport: URL = HealthCheck.defaultRotateReport,
        commands: FixCommands = FixCommands()
    ) {
        self.database = database
        self.key = key
        self.rotateReport = rotateReport
        self.commands = commands
    }

    /// For `serve`: the file behind a `sqlite:PATH` store description, the key in `<kubernetes-dir>/pki`.
    public static func serving(
        tree: TreeContext, storeDescription: String, rotateReport: URL = HealthCheck.defaultRotateReport
    ) -> ServerHealth {
        let database =
            storeDescription.hasPrefix("sqlite:")
            ? String(storeDescription.dropFirst("sqlite:".count)) : storeDescription
        let key = tree.settings.kubernetesDir.appendingPathComponent("pki").appendingPathComponent(
            StoreKey.defaultFileName
        ).path
        let kubernetesDir = tree.settings.kubernetesDir.path
        return ServerHealth(
            database: database, key: key, rotateReport: rotateReport,
            commands: FixCommands(
                kubernetesDir: kubernetesDir == "/etc/kubernetes" ? nil : kubernetesDir,
                db: database == "/var/lib/clusterpki/state.db" || !database.hasPrefix("/") ? nil : database))
    }
}

extension ServerEnvironment {
    /// The health model of this node now (the store opened, so its key fits). `readingStore` false leaves out what
    /// only the store knows, for the anonymous `/metrics`, which never reaches the store.
    func healthReport(readingStore: Bool) async -> HealthReport {
        var tree = self.tree
        tree.now = now()
        var check = HealthCheck(
            context: tree, state: .opened(store, database: health.database, key: health.key),
            rotateReport: health.rotateReport,
            commands: health.commands, settingsSource: "the settings clusterpki serve runs with")
        check.readsStore = readingStore
        return await check.run()
    }
}
