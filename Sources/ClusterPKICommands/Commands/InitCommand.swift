import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// `clusterpki init`: the PKI part of `kubeadm init`, as a list of phases run in order with the same flags.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the certificate tree and the kubeconfig files in one go (kubeadm init, PKI phases).")

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var state: StateOptions

    @Option(help: "The bootstrap token to create, <id>.<secret> (default: a random one).")
    var token: String?

    @Option(help: "How long the bootstrap token lives; 0 never expires.")
    var tokenTtl = "24h0m0s"

    @Flag(help: "Upload the shared control-plane certificates (expires after two hours).")
    var uploadCerts = false

    @Option(help: "The key for --upload-certs (64 hex characters; default: a new one).")
    var certificateKey: String?

    func validate() throws {
        if certificateKey != nil && !uploadCerts { throw ValidationError("--certificate-key is used only with --upload-certs") }
        _ = try options()
    }

    func options() throws -> InitWorkflow.Options {
        InitWorkflow.Options(
            token: try token.map { try BootstrapTokenString(parsing: $0) }, tokenTTL: try TokenRequest.parseTTL(tokenTtl),
            uploadCerts: uploadCerts, certificateKey: try certificateKey.map { try CertificateKey(parsing: $0) })
    }

    func run() async throws {
        let context = try cluster.context(directories)
        let state = self.state
        let workflow = InitWorkflow(context: context, options: try options(), actor: LedgerActor.current()) {
            try state.openStore(kubernetesDir: context.settings.kubernetesDir)
        }
        let outcome = try await workflow.run { print($0) }
        print(InitWorkflow.closingText(context.settings))
        if let token = outcome.token {
            print(try InitWorkflow.joinText(context.settings, token: token, certificateKey: outcome.certificateKey))
        }
    }
}
