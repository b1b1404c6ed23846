import ArgumentParser
import ClusterPKICore
import ClusterPKIKubeconfig
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

    /// What the phases leave behind for the closing text.
    struct Outcome: Sendable {
        var token: String?
        var certificateKey: CertificateKey?
    }

    /// One step of init, run in order with the same flags.
    struct Phase: Sendable {
        var name: String
        var run: @Sendable (TreeContext, InitCommand, inout Outcome) async throws -> Void
    }

    static let phases: [Phase] = [
        Phase(name: "certs") { context, _, _ in try await CertsPhase(context: context).generate(["all"]) { print($0) } },
        Phase(name: "kubeconfig") { context, command, _ in
            let ledger = try command.state.openStore(kubernetesDir: context.settings.kubernetesDir)
            try await KubeconfigPhase(context: context).generate(["all"], ledger: ledger) { print($0) }
        },
        Phase(name: "bootstrap-token") { context, command, outcome in
            let request = TokenRequest(token: try command.token.map { try BootstrapTokenString(parsing: $0) },
                                       ttl: try TokenRequest.parseTTL(command.tokenTtl))
            try request.validate()
            let store = try command.state.openStore(kubernetesDir: context.settings.kubernetesDir)
            let created = try await store.createToken(request, actor: LedgerActor.current(), now: context.now)
            print("[bootstrap-token] Using token: \(created.token.token)")
            outcome.token = created.token.token
        },
        Phase(name: "upload-certs") { context, command, outcome in
            guard command.uploadCerts else { print("[upload-certs] Skipping phase. Please see --upload-certs"); return }
            let store = try command.state.openStore(kubernetesDir: context.settings.kubernetesDir)
            let key = try await CopyCerts.upload(context: context, store: store, key: try command.certificateKey.map { try CertificateKey(parsing: $0) })
            CopyCerts.uploadLines.forEach { print($0) }
            print(key)
            outcome.certificateKey = key
        },
    ]

    func validate() throws {
        if certificateKey != nil && !uploadCerts { throw ValidationError("--certificate-key is used only with --upload-certs") }
        if let certificateKey { _ = try CertificateKey(parsing: certificateKey) }
        if let token { _ = try BootstrapTokenString(parsing: token) }
        _ = try TokenRequest.parseTTL(tokenTtl)
    }

    func run() async throws {
        let context = try cluster.context(directories)
        var outcome = Outcome()
        for phase in Self.phases { try await phase.run(context, self, &outcome) }
        print(Self.closingText(context.settings))
        if let token = outcome.token {
            print(try Self.joinText(context.settings, token: token, certificateKey: outcome.certificateKey))
        }
    }

    static func joinText(_ settings: ClusterSettings, token: String, certificateKey: CertificateKey?) throws -> String {
        let worker = try JoinCommand.lines(kubernetesDir: settings.kubernetesDir, token: token, certificateKey: nil)
        var text = ""
        if let certificateKey {
            let controlPlane = try JoinCommand.lines(kubernetesDir: settings.kubernetesDir, token: token,
                                                     certificateKey: certificateKey.description)
            text += """

                You can now join any number of control-plane nodes by running the following on each as root:

                  \(controlPlane[0])
                  (kubeadm equivalent: \(controlPlane[1]))

                Please note that the certificate-key gives access to cluster sensitive data, keep it secret!
                As a safeguard, uploaded-certs will be deleted in two hours; if necessary, you can use
                `clusterpki upload-certs` to reload certs afterward.

                """
        }
        text += """

            Then you can join any number of worker nodes by running the following on each as root:

              \(worker[0])
              (kubeadm equivalent: \(worker[1]))
            """
        return text
    }

    static func closingText(_ settings: ClusterSettings) -> String {
        let admin = settings.kubernetesDir.appendingPathComponent("admin.conf").path
        return """

            Your Kubernetes control-plane certificates and kubeconfig files are ready!

            Certificates and keys are in \(settings.certificatesDir.path),
            kubeconfig files (admin.conf, super-admin.conf, kubelet.conf, controller-manager.conf, scheduler.conf) in \(settings.kubernetesDir.path).

            To start using your cluster, you need to run the following as a regular user:

              mkdir -p $HOME/.kube
              sudo cp -i \(admin) $HOME/.kube/config
              sudo chown $(id -u):$(id -g) $HOME/.kube/config

            Alternatively, if you are the root user, you can run:

              export KUBECONFIG=\(admin)

            Check expirations with `clusterpki certs check-expiration` and renew with `clusterpki certs renew all`.
            """
    }
}
