import ArgumentParser

/// `clusterpki kubeconfig`: kubeconfig files, and client credentials minted for people with a ledger.
struct KubeconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Kubeconfig files and client credentials minted for people, with a ledger.",
        subcommands: [KubeconfigGenerate.self, KubeconfigUser.self, KubeconfigList.self, KubeconfigRevoke.self])
}
