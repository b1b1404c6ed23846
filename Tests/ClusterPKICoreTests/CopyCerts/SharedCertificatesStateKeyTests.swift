import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICore

/// The state store's key travels in `kubeadm-certs` when the nodes share their store (etcd).
@Suite struct SharedCertificatesStateKeyTests {
    static let keyText = String(repeating: "0123456789abcdef", count: 4) + "\n"

    static func writeKey(_ text: String, in tree: TemporaryTree) throws -> URL {
        let url = tree.context.settings.kubernetesDir.appendingPathComponent("pki/clusterpki-state.key")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        return url
    }

    @Test func theKeyIsSealedOnlyWhenAskedAndWritten0600WhereTheTargetKeepsIt() async throws {
        let source = try TemporaryTree()
        let context = try await source.generate()
        let sourceKey = try Self.writeKey(Self.keyText, in: source)
        let key = CertificateKey.generate()
        #expect(try SharedCertificates(context: context).seal(with: key)[SharedCertificates.stateKeyDataKey] == nil)
        let sealed = try SharedCertificates(context: context, stateKey: sourceKey).seal(with: key)
        let value = try #require(sealed[SharedCertificates.stateKeyDataKey])
        #expect(!String(decoding: value, as: UTF8.self).contains("0123456789abcdef"))  // never in clear

        let target = try TemporaryTree()
        let targetKey = target.context.settings.kubernetesDir.appendingPathComponent("pki/clusterpki-state.key")
        // A node that does not ask for it (SQLite) leaves it out.
        try await SharedCertificates(context: target.context).open(sealed, with: key)
        #expect(!FileManager.default.fileExists(atPath: targetKey.path))
        let written = try await SharedCertificates(context: target.context, stateKey: targetKey).open(sealed, with: key)
        #expect(written.contains(targetKey.path))
        #expect(try String(contentsOf: targetKey, encoding: .utf8) == Self.keyText)
        #expect(try TestSupport.mode(targetKey) == 0o600)
        // Downloading again with the same key there is fine.
        try await SharedCertificates(context: target.context, stateKey: targetKey).open(sealed, with: key)
    }

    @Test func aDifferentKeyAlreadyThereIsKeptAndBothAreNamed() async throws {
        let source = try TemporaryTree()
        let context = try await source.generate()
        let key = CertificateKey.generate()
        let sealed = try SharedCertificates(context: context, stateKey: try Self.writeKey(Self.keyText, in: source))
            .seal(with: key)
        let target = try TemporaryTree()
        let other = String(repeating: "f", count: 64) + "\n"
        let targetKey = try Self.writeKey(other, in: target)
        await #expect {
            try await SharedCertificates(context: target.context, stateKey: targetKey).open(sealed, with: key)
        } throws: {
            error in
            let message = "\(error)"
            return message.contains(targetKey.path) && message.contains("clusterpki-state.key")
                && message.contains("already has a different state key")
        }
        #expect(try String(contentsOf: targetKey, encoding: .utf8) == other)
        // All or nothing: no certificate was written either.
        #expect(
            !FileManager.default.fileExists(
                atPath: target.context.settings.certificatesDir.appendingPathComponent("ca.crt").path))
    }

    @Test func aMissingStateKeyCannotBeUploaded() async throws {
        let source = try TemporaryTree()
        let context = try await source.generate()
        let missing = source.root.appendingPathComponent("pki/clusterpki-state.key")
        #expect(throws: PKIError.self) {
            try SharedCertificates(context: context, stateKey: missing).seal(with: .generate())
        }
    }
}
