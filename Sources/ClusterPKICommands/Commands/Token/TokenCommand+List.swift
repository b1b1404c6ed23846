import ArgumentParser
import Foundation

extension TokenCommand {
    /// `token list`: kubeadm's table or JSON objects.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List bootstrap tokens on the server")

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @OptionGroup var options: TokenStoreOptions
        @Option(name: [.short, .customLong("output")], help: "Output format: text or json.")
        var output: Format = .text

        func run() async throws {
            let now = Date()
            let tokens = try await options.location.openReadOnlyState(withKey: true)?.listTokens(now: now) ?? []
            print(
                output == .json ? TokenListOutput.json(tokens) : TokenListOutput.text(tokens, now: now), terminator: "")
        }
    }
}
