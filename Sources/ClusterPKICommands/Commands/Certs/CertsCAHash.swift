import ArgumentParser
import ClusterPKICore

/// `certs ca-hash`: the `--discovery-token-ca-cert-hash` values of the cluster CA.
struct CertsCAHash: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca-hash",
        abstract: "Print the discovery token CA certificate hash (sha256 of the CA's public key).")

    @Option(help: "The CA certificate (default: <cert-dir>/ca.crt).")
    var cert: String?

    @OptionGroup var directories: DirectoryOptions

    func run() async throws {
        let path = try cert ?? directories.settings().certificatesDir.appendingPathComponent("ca.crt").path
        for hash in try DiscoveryHash.hashes(ofCertificateFile: path) { print(hash) }
    }
}
