import ArgumentParser
import Foundation

/// `kubeconfig list`: the credential ledger as a table or JSON.
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
        let records =
            try await ledger.location(directories, try directories.settings()).openReadOnlyState(withKey: false)?
            .credentials() ?? []
        print(
            output == "json" ? try LedgerListing.json(records) : LedgerListing.text(records, now: Date()),
            terminator: "")
    }
}
