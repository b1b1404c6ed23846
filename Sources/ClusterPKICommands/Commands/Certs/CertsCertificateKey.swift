import ArgumentParser
import ClusterPKICore

/// `certs certificate-key`: a new key for `upload-certs`.
struct CertsCertificateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate-key",
        abstract: "Print a new certificate key (32 random bytes, hex) for upload-certs.")

    func run() async throws {
        print(CertificateKey.generate())
    }
}
