import ArgumentParser

/// `clusterpki certs`: the certificate tree (kubeadm's `init phase certs` and `certs`).
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Certificate tree commands.",
        subcommands: [
            CertsGenerate.self, CertsRenew.self, CertsCheckExpiration.self, CertsCAHash.self, CertsCertificateKey.self,
        ])
}
