import ArgumentParser

/// `clusterpki audit`: the store's audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Manage the audit log of the state database",
        subcommands: [AuditPrune.self])
}
