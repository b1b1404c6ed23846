import ArgumentParser

/// `clusterpki store`: the state store itself (which backend, its health, moving it to another backend).
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Inspect the state store, or copy it to another backend (SQLite on one node, etcd for several).",
        subcommands: [StoreStatus.self, StoreMigrate.self])
}
