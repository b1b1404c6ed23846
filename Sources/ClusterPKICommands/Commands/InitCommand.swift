import ArgumentParser
import ClusterPKICore
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

    @Option(
        help:
            "Where `clusterpki serve` will listen, host:port (default: --config's ServeConfiguration, else 127.0.0.1:9443)."
    )
    var serveListen: String?

    @Option(
        help:
            "The URL `clusterpki serve` will advertise to joining nodes (default: --config's, else https://<serve-listen>, or the advertise address when listening on all addresses)."
    )
    var serveAdvertiseUrl: String?

    func validate() throws {
        do { _ = try options() } catch let conflict as InitWorkflow.FlagConflict {
            throw ValidationError(conflict.description)
        }
    }

    func options() throws -> InitWorkflow.Options {
        try InitWorkflow.Options(
            token: token, tokenTTL: tokenTtl, uploadCerts: uploadCerts, certificateKey: certificateKey,
            serveListen: serveListen,
            serveAdvertiseURL: serveAdvertiseUrl)
    }

    func run() async throws {
        var overrides = cluster.overrides
        overrides.stateStoreOnEtcd = state.usesEtcd  // clusterpki-etcd-client is issued with the certificates
        let context = try directories.context(overrides)
        let location = try state.location(directories, context.settings, policy: context.policy)
        let store = OpenedOnce(location)
        let workflow = InitWorkflow(
            context: context, options: try options(), actor: LedgerActor.current(), stateKey: location.sharedStateKey
        ) { try await store.get() }
        let outcome = try await workflow.run { print($0) }
        print(InitOutput.closingText(context.settings))
        if let token = outcome.token {
            print(try InitOutput.joinText(context.settings, token: token, certificateKey: outcome.certificateKey))
        }
    }
}
