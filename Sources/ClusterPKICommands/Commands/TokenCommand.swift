import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// `clusterpki token`: kubeadm's token commands over the local state database.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage bootstrap tokens",
        subcommands: [Generate.self, Create.self, List.self, Delete.self, Sweep.self, Authenticate.self])
}

/// Where the state database and its key live; shared by every token subcommand.
struct TokenStoreOptions: ParsableArguments {
    @Option(help: "The state database file.")
    var db = "/var/lib/clusterpki/state.db"

    @Option(name: .customLong("kubernetes-dir"), help: "The kubernetes directory; the store key is pki/clusterpki-state.key in it.")
    var kubernetesDir = "/etc/kubernetes"

    /// The store key file, `<kubernetes-dir>/pki/clusterpki-state.key`.
    var storeKeyURL: URL { StateOptions.keyURL(kubernetesDir: URL(fileURLWithPath: kubernetesDir)) }

    @Option(help: "A policy file or name (kubeadm, hardened); sets the failed-authentication limits.")
    var policy: String?

    /// The brute-force limits of the selected policy.
    func authenticationPolicy() throws -> TokenAuthPolicy {
        TokenAuthPolicy(try PKIPolicy(contentsOf: PolicyLocator.locate(policy)).tokenAuthentication)
    }

    /// Opens the store, creating the key file on first use.
    func openStore() throws -> SQLiteStateStore {
        try SQLiteStateStore(path: db, storeKey: try StoreKey.loadOrCreate(at: storeKeyURL))
    }
}

/// CLI-only failures (flag combinations and files the store does not own).
struct TokenCommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension TokenCommand {
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate and print a bootstrap token, but do not create it on the server")

        func run() async throws {
            print(BootstrapTokenString.generate().token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List bootstrap tokens on the server")

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @OptionGroup var options: TokenStoreOptions
        @Option(name: [.short, .customLong("output")], help: "Output format: text or json.")
        var output: Format = .text

        func run() async throws {
            let now = Date()
            let tokens = try await options.openStore().listTokens(now: now)
            switch output {
            case .text: print(TokenListOutput.text(tokens, now: now), terminator: "")
            case .json: print(TokenListOutput.json(tokens), terminator: "")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete bootstrap tokens on the server")

        @OptionGroup var options: TokenStoreOptions
        @Argument(help: "Token ids ([a-z0-9]{6}) or full tokens ([a-z0-9]{6}.[a-z0-9]{16}).")
        var tokens: [String] = []

        func run() async throws {
            guard !tokens.isEmpty else {
                throw TokenCommandError(
                    message: "missing argument; 'token delete' is missing token of form \"\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z\" or \"\\\\A([a-z0-9]{6})\\\\z\"")
            }
            // Validate every argument before deleting anything.
            let ids = try tokens.map(BootstrapTokenString.id(fromIDOrToken:))
            let store = try options.openStore()
            for id in ids {
                try await store.deleteToken(id: id, actor: LedgerActor.current(), now: Date())
                print("bootstrap token \"\(id)\" deleted")
            }
        }
    }

    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete expired bootstrap tokens and the uploads bound to them (like the TokenCleaner)")

        @OptionGroup var options: TokenStoreOptions

        func run() async throws {
            let deleted = try await options.openStore().sweepExpired(now: Date())
            print("deleted \(deleted) expired bootstrap token\(deleted == 1 ? "" : "s")")
        }
    }

    struct Authenticate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Authenticate with a token as the join endpoint would, consuming one use (diagnostic)",
            shouldDisplay: false)

        @OptionGroup var options: TokenStoreOptions
        @Argument(help: "The full token.")
        var token: String
        @Option(help: "The client name used for rate limiting.")
        var client = "local"

        func run() async throws {
            let identity = try await options.openStore().authenticate(token, client: client, policy: options.authenticationPolicy(), now: Date())
            print("user: \(identity.username)")
            print("groups: \(identity.groups.joined(separator: ","))")
            if let usesLeft = identity.usesLeft { print("uses left: \(usesLeft)") }
        }
    }
}
