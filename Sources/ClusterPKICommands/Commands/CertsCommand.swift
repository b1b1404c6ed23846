import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Certificate tree commands.",
        subcommands: [CertsGenerate.self, CertsRenew.self, CertsCheckExpiration.self, CertsCAHash.self, CertsCertificateKey.self])
}

struct CertsGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate the missing certificates and keys of the tree (kubeadm init phase certs).")

    @Argument(help: "all, or certificate names (ca, apiserver, etcd-server, sa, ...).")
    var names: [String] = ["all"]

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var cluster: ClusterFlags

    func run() async throws {
        let context = try cluster.context(directories)
        try await CertsPhase(context: context).generate(names) { print($0) }
    }
}

struct CertsCAHash: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca-hash",
        abstract: "Print the discovery token CA certificate hash (sha256 of the CA's public key).")

    @Option(help: "The CA certificate (default: <cert-dir>/ca.crt).")
    var cert: String?

    @OptionGroup var directories: DirectoryOptions

    func run() async throws {
        let path = try cert ?? directories.settings().certificatesDir.appendingPathComponent("ca.crt").path
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PKIError.fileSystem(path: path, detail: "cannot read the CA certificate; pass it with --cert FILE")
        }
        for certificate in try PEMCertificates.parse(text, path: path) {
            print(try DiscoveryHash(of: certificate))
        }
    }
}

struct CertsCertificateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate-key",
        abstract: "Print a new certificate key (32 random bytes, hex) for upload-certs.")

    func run() async throws {
        print(CertificateKey.generate())
    }
}
