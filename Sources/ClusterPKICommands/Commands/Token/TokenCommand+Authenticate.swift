import ArgumentParser
import Foundation

extension TokenCommand {
    /// `token authenticate` (hidden): what the join endpoint would decide for a token, consuming one use.
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
            let identity = try await options.openStore().authenticate(
                token, client: client, policy: options.authenticationPolicy(), now: Date())
            TokenOutput.authenticated(identity).forEach { print($0) }
        }
    }
}
