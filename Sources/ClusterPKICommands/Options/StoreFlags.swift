import ArgumentParser

/// `--store` and the etcd flags, as every state command takes them (after its own `--db`, the SQLite shorthand).
struct StoreFlags: ParsableArguments {
    @Option(help: EtcdFlags.storeHelp)
    var store: String?

    @OptionGroup var etcd: EtcdFlags

    func validate() throws {
        _ = try selection(db: "")
        _ = try etcd.deadline()
    }

    /// The backend `--store` names, or without it the SQLite file `db` (`--db`).
    func selection(db: String) throws -> StoreSelection {
        try StoreSelection(parsing: store, db: db)
    }
}
