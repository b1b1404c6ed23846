import ArgumentParser
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore

/// `kubeconfig user`: kubeadm kubeconfig user, with the client certificate recorded in the ledger.
struct KubeconfigUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract:
            "Print a kubeconfig for a user; the client certificate is recorded in the ledger (kubeadm kubeconfig user)."
    )

    @Option(help: "The user name; the client certificate's CN.")
    var clientName: String

    @Option(help: "A group (the certificate's O); repeat it or separate with commas.")
    var org: [String] = []

    @Option(
        help: "How long the certificate is valid (default: the policy's userCredentials.defaultValidity, e.g. 24h).")
    var validityPeriod: String?

    @Option(help: "The API server URL (default: the control-plane endpoint).")
    var server: String?

    @Option(help: "Write a token kubeconfig with this token instead of a client certificate.")
    var token: String?

    @Flag(help: "Allow privileged groups such as system:masters.")
    var allowSuperuser = false

    @OptionGroup var ledger: StateOptions
    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var cluster: ClusterFlags

    func run() async throws {
        let context = try cluster.context(directories)
        let request = UserCredentialRequest(
            clientName: clientName, organizations: UserCredentialRequest.organizations(fromFlags: org),
            validity: try validityPeriod.map { try GoDuration(parsing: $0, field: "--validity-period") },
            server: server, token: token, allowSuperuser: allowSuperuser)
        let store = try ledger.location(directories, context.settings, policy: context.policy)
        let result = try await UserCredentialIssuance.issue(request, context: context, actor: LedgerActor.current()) {
            try await store.openState()
        }
        UserKubeconfigOutput.stderrLines(result, clientName: request.clientName).forEach(Console.warn)
        print(result.yaml, terminator: "")
    }
}
