import ArgumentParser
import ClusterPKIStore

/// `store migrate`: every record from one backend to another, verified by counts and digest.
struct StoreMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract:
            "Copy every record of one state store into another (SQLite to etcd, or back), verified by counts and digest.",
        discussion: """
            Tokens (with their secrets, remaining uses and expiry), uploads, the audit log in order, the credential \
            ledger with its revocations, CSRs, node records and rotation phases are copied; failed-authentication \
            counters are not (they restart empty). Both stores use the state key of --kubernetes-dir. Running it again \
            changes nothing once the target is an exact copy. Stop every writer (clusterpki serve, timers) first.
            """)

    @Option(help: "The store to copy from: sqlite:PATH or etcd://HOST:PORT[,HOST:PORT...].")
    var from: String

    @Option(help: "The store to copy to (a SQLite file is created when missing).")
    var to: String

    @Flag(help: "Replace what the target holds when it holds anything else.")
    var force = false

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var etcd: EtcdFlags

    func validate() throws {
        _ = try StoreSelection(parsing: from, db: "")
        _ = try StoreSelection(parsing: to, db: "")
        _ = try etcd.deadline()
    }

    func run() async throws {
        let context = try directories.context()
        let source = try etcd.location(
            StoreSelection(parsing: from, db: ""), settings: context.settings, policy: context.policy)
        let target = try etcd.location(
            StoreSelection(parsing: to, db: ""), settings: context.settings, policy: context.policy)
        guard source.storeDescription != target.storeDescription else {
            throw StoreMigrationError.sameStore(source.storeDescription)
        }
        guard let from = try await source.openState(creating: false) else {
            throw ValidationError("the source \(source.storeDescription) does not exist")
        }
        let result = try await StoreMigration.run(
            from: from, to: try await target.openState(), targetName: target.storeDescription, force: force)
        StoreOutput.migration(result, source: source.storeDescription, target: target.storeDescription).forEach {
            print($0)
        }
    }
}
