import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

extension TokenCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create bootstrap tokens on the server")

        @OptionGroup var options: TokenStoreOptions
        @Argument(help: "The token to create ([a-z0-9]{6}.[a-z0-9]{16}); random if omitted.")
        var token: String?
        @Option(help: "The duration before the token is automatically deleted (e.g. 1s, 2m, 3h). '0' means never expires.")
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
        @Option(name: .customLong("certificate-key"), help: "With --print-join-command, print the control-plane join command.")
        var certificateKey: String?

        func run() async throws {
            // Every check happens before anything is stored (kubeadm creates the token first, then complains).
            if certificateKey != nil && !printJoinCommand { throw StoreError.certificateKeyWithoutJoinCommand }
            if let certificateKey { _ = try CertificateKey(parsing: certificateKey) }
            let request = try makeRequest()
            try request.validate()
            let store = try options.openStore()
            let created = try await store.createToken(request, actor: LedgerActor.current(), now: Date())
            if printJoinCommand {
                for line in try JoinInstructions.lines(kubernetesDir: URL(fileURLWithPath: options.kubernetesDir), token: created.token.token, certificateKey: certificateKey) {
                    print(line)
                }
            } else {
                print(created.token.token)
            }
        }

        func makeRequest() throws -> TokenRequest {
            let seconds = try TokenRequest.parseTTL(ttl)
            if seconds < 0 { throw StoreError.negativeTTL(ttl) }
            return TokenRequest(
                token: try token.map { try BootstrapTokenString(parsing: $0) }, ttl: seconds,
                usages: try TokenUsage.parse(Self.commaList(usages)), groups: Self.commaList(groups),
                description: description, maxUses: maxUses)
        }

        /// Repeatable, comma-separated values, as cobra's string-slice flags take them.
        static func commaList(_ values: [String]) -> [String] {
            values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        }

        /// kubeadm's `ValidateCertificateKey`: hex for exactly 32 bytes.
    }
}
