import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

struct KubeconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Kubeconfig files and client credentials minted for people, with a ledger.",
        subcommands: [KubeconfigGenerate.self, KubeconfigUser.self, KubeconfigList.self, KubeconfigRevoke.self])
}

/// Where the credential ledger lives: the state database, with its key in the certificate directory.
struct KubeconfigGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the kubeconfig files of the kubernetes dir (kubeadm init phase kubeconfig).")

    @Argument(help: "all, or admin, super-admin, kubelet, controller-manager, scheduler.")
    var names: [String] = ["all"]

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var cluster: ClusterFlags
    @OptionGroup var state: StateOptions

    func run() async throws {
        let context = try cluster.context(directories)
        let state = state
        let actor = LedgerActor.current()
        try await KubeconfigPhase(context: context).generate(
            names, recorder: { LedgerRecorder(ledger: try state.openStore(kubernetesDir: context.settings.kubernetesDir), actor: actor, now: context.now) }
        ) { print($0) }
    }
}

struct KubeconfigUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Print a kubeconfig for a user; the client certificate is recorded in the ledger (kubeadm kubeconfig user).")

    @Option(help: "The user name; the client certificate's CN.")
    var clientName: String

    @Option(help: "A group (the certificate's O); repeat it or separate with commas.")
    var org: [String] = []

    @Option(help: "How long the certificate is valid (default: the policy's userCredentials.defaultValidity, e.g. 24h).")
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
            clientName: clientName,
            organizations: org.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) } },
            validity: try validityPeriod.map { try GoDuration(parsing: $0, field: "--validity-period") },
            server: server, token: token, allowSuperuser: allowSuperuser)
        let minter = UserCredentialMinter(context: context)
        _ = try minter.validate(request)  // bad input fails before the ledger is opened
        let result: UserKubeconfig
        if request.token != nil {
            result = try await minter.mintToken(request)
        } else {
            let ledger = try ledger.openStore(kubernetesDir: context.settings.kubernetesDir)
            result = try await minter.mint(request, recorder: LedgerRecorder(ledger: ledger, actor: LedgerActor.current(), now: context.now))
        }
        result.warnings.forEach(Console.warn)
        if let certificate = result.certificate {
            Console.warn("[kubeconfig] Recorded credential serial \(certificate.serialHex) for \(request.clientName), valid until \(certificate.notValidAfter.formatted(.iso8601))")
        }
        print(result.yaml, terminator: "")
    }
}

struct KubeconfigList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show the credentials recorded in the ledger.")

    @Option(name: [.customShort("o"), .long], help: "text or json.")
    var output = "text"

    @OptionGroup var ledger: StateOptions
    @OptionGroup var directories: DirectoryOptions

    func validate() throws {
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json") }
    }

    func run() async throws {
        let records = try await ledger.openIfPresent(kubernetesDir: try directories.settings().kubernetesDir)?.credentials() ?? []
        print(output == "json" ? try LedgerListing.json(records) : LedgerListing.text(records, now: Date()), terminator: "")
    }
}

struct KubeconfigRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Mark credentials revoked: clusterpki never renews them and the join endpoint refuses them.")

    @Argument(help: "The serial number (hex, as `kubeconfig list` shows it).")
    var serial: String?

    @Option(help: "Revoke every credential issued to this client name instead.")
    var clientName: String?

    @OptionGroup var ledger: StateOptions
    @OptionGroup var directories: DirectoryOptions

    func validate() throws {
        guard (serial == nil) != (clientName == nil) else {
            throw ValidationError("pass either a SERIAL or --client-name NAME")
        }
        if let clientName, clientName.trimmingCharacters(in: .whitespaces).isEmpty { throw KubeconfigError.emptyClientName }
    }

    func run() async throws {
        let ledger = try ledger.openIfPresent(kubernetesDir: try directories.settings().kubernetesDir)
        let target: CredentialRevocation.Target = serial.map { .serial($0) } ?? .clientName(clientName ?? "")
        let records = try await CredentialRevocation.revoke(target, ledger: ledger, actor: LedgerActor.current(), now: Date())
        for record in records {
            print("[kubeconfig] Revoked credential \(record.serial) (CN=\(record.commonName), O=\(record.organizations.joined(separator: ",")))")
        }
    }
}
