import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICore

/// `certs ca-hash`: one hash per certificate of a CA file.
@Suite struct DiscoveryHashFileTests {
    @Test func oneHashPerCertificateInTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try TestCluster.makeCA(commonName: "a", now: Date())
        let second = try TestCluster.makeCA(commonName: "b", now: Date())
        let path = directory.path("ca.crt")
        try Data(try PEMCertificates.encode([first.certificate, second.certificate]).utf8).write(
            to: URL(fileURLWithPath: path))
        let hashes = try DiscoveryHash.hashes(ofCertificateFile: path)
        #expect(hashes == [try DiscoveryHash(of: first.certificate), try DiscoveryHash(of: second.certificate)])
    }

    @Test func unreadableFileSaysToPassIt() {
        #expect(
            throws: PKIError.fileSystem(
                path: "/nonexistent/ca.crt", detail: "cannot read the CA certificate; pass it with --cert FILE")
        ) {
            try DiscoveryHash.hashes(ofCertificateFile: "/nonexistent/ca.crt")
        }
    }
}
