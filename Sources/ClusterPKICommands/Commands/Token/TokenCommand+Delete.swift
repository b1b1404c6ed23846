import ArgumentParser
import ClusterPKIAPI
import ClusterPKIStore
import Foundation

extension TokenCommand {
    /// `token delete`: by id or full token; a malformed argument deletes nothing.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete bootstrap tokens on the server")

        @OptionGroup var options: TokenStoreOptions
        @Argument(help: "Token ids ([a-z0-9]{6}) or full tokens ([a-z0-9]{6}.[a-z0-9]{16}).")
        var tokens: [String] = []

        func run() async throws {
            guard !tokens.isEmpty else { throw TokenCommandError.missingDeleteArgument }
            let ids = try tokens.map(BootstrapTokenString.id(fromIDOrToken:))  // before the store is even opened
            try await options.openStore().deleteTokens(ids: ids, actor: LedgerActor.current(), now: Date()) {
                print(TokenOutput.deleted($0))
            }
        }
    }
}
