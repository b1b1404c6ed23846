import ArgumentParser
import Foundation

extension TokenCommand {
    /// `token sweep`: what kube-controller-manager's TokenCleaner does, on demand.
    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete expired bootstrap tokens and the uploads bound to them (like the TokenCleaner)")

        @OptionGroup var options: TokenStoreOptions

        func run() async throws {
            print(TokenOutput.swept(try await options.openStore().sweepExpired(now: Date())))
        }
    }
}
