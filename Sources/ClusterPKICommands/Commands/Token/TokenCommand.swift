import ArgumentParser

/// `clusterpki token`: kubeadm's token commands over the local state database.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage bootstrap tokens",
        subcommands: [Generate.self, Create.self, List.self, Delete.self, Sweep.self, Authenticate.self])
}
