import ArgumentParser
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

extension TokenCommand {
    /// `token create`: kubeadm's flags; every check happens before anything is stored.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create bootstrap tokens on the server")

        @OptionGroup var options: TokenStoreOptions
        @Argument(help: "The token to create ([a-z0-9]{6}.[a-z0-9]{16}); random if omitted.")
        var token: String?
        @Option(
            help: "The duration before the token is automatically deleted (e.g. 1s, 2m, 3h). '0' means never expires.")
        var ttl = "24h0m0s"
        @Option(help: "Comma-separated usages: signing, authentication.")
        var usages: [String] = ["signing,authentication"]
        @Option(help: "Comma-separated extra groups this token authenticates as (system:bootstrappers:...).")
        var groups: [String] = ["system:bootstrappers:kubeadm:default-node-token"]
        @Option(help: "A human friendly description of how this token is used.")
        var description = ""
        @Option(name: .customLong("max-uses"), help: "Allow at most N authentications with this token.")
        var maxUses: Int?
        @Flag(name: .customLong("print-join-command"), help: "Print the full join commands instead of only the token.")
        var printJoinCommand = false
        @Option(
            name: .customLong("certificate-key"),
            help: "With --print-join-command, print the control-plane join command.")
        var certificateKey: String?

        func run() async throws {
            let creation = try TokenCreation(
                token: token, ttl: ttl, usages: usages, groups: groups, description: description, maxUses: maxUses,
                printJoinCommand: printJoinCommand, certificateKey: certificateKey)
            let lines = try await creation.create(
                in: try await options.openStore(), kubernetesDir: URL(fileURLWithPath: options.kubernetesDir),
                actor: LedgerActor.current(), now: Date())
            lines.forEach { print($0) }
        }
    }
}
