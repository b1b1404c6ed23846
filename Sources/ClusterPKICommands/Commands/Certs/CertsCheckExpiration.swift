import ArgumentParser
import ClusterPKICore
import ClusterPKIKubeconfig

/// `certs check-expiration`: kubeadm's two tables, or its JSON.
struct CertsCheckExpiration: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-expiration",
        abstract: "Show when each certificate and CA expires (kubeadm certs check-expiration).")

    @Option(name: [.customShort("o"), .long], help: "text or json.")
    var output = "text"

    @OptionGroup var directories: DirectoryOptions

    func validate() throws {
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json") }
    }

    func run() async throws {
        let report = try await ExpirationReport.read(try directories.context())
        print(output == "json" ? try report.json() : report.text(), terminator: output == "json" ? "\n" : "")
    }
}
