import ClusterPKITesting
import Crypto
import Foundation
import Testing
import X509

@testable import ClusterPKICore

@Suite struct SharedCertificatesTests {
    static let vectorKey = try! CertificateKey(
        parsing: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")

    @Test func sealMatchesTheDocumentedLayoutVector() throws {
        let nonce = try AES.GCM.Nonce(data: Hex.decode("000102030405060708090a0b")!)
        let sealed = try SealedValue.seal(Data("-----BEGIN CERTIFICATE-----\n".utf8), key: Self.vectorKey, nonce: nonce)
        #expect(
            Hex.encode(sealed)
                == "000102030405060708090a0b6a2ffb36e8a7875cc40fb7c8f4bb2c24c59fc475a43e7251154ac88f7b942df1281ad3748d34b44746b16fba"
        )
        #expect(
            sealed.base64EncodedString()
                == "AAECAwQFBgcICQoLai/7Nuinh1zED7fI9LssJMWfxHWkPnJRFUrIj3uULfEoGtN0jTS0R0axb7o=")
        let opened = try SealedValue.open(sealed, key: Self.vectorKey, name: "ca.crt")
        #expect(String(decoding: opened, as: UTF8.self) == "-----BEGIN CERTIFICATE-----\n")
    }

    @Test func wrongKeyAndShortValuesAreRejected() throws {
        let sealed = try SealedValue.seal(Data("secret".utf8), key: Self.vectorKey)
        #expect(throws: PKIError.self) { try SealedValue.open(sealed, key: CertificateKey.generate(), name: "ca.key") }
        #expect(throws: PKIError.config(path: "ca.key", problem: "size of data is less than the nonce")) {
            try SealedValue.open(Data([1, 2, 3]), key: Self.vectorKey, name: "ca.key")
        }
    }

    @Test(arguments: ["", "abc", String(repeating: "ab", count: 31), String(repeating: "zz", count: 32)])
    func certificateKeyRejectsWrongSizesAndNonHex(_ text: String) {
        #expect(throws: PKIError.self) { try CertificateKey(parsing: text) }
    }

    @Test func certificateKeyIs64LowercaseHexCharacters() throws {
        let key = CertificateKey.generate()
        #expect(key.description.count == 64)
        #expect(key.description.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try CertificateKey(parsing: key.description.uppercased()) == key)
    }

    @Test func downloadRestoresTheSharedFilesAllOrNothing() async throws {
        let source = try TemporaryTree()
        let context = try await source.generate()
        let key = CertificateKey.generate()
        let sealed = try SharedCertificates(context: context).seal(with: key)
        #expect(
            Set(sealed.keys) == [
                "ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.pub", "sa.key", "etcd-ca.crt",
                "etcd-ca.key",
            ])

        let target = try TemporaryTree()
        let targetContext = target.context
        // A tampered value aborts the whole download: nothing is written.
        var tampered = sealed
        tampered["sa.key"]![20] ^= 0xff
        await #expect(throws: PKIError.self) {
            try await SharedCertificates(context: targetContext).open(tampered, with: key)
        }
        #expect(
            !FileManager.default.fileExists(
                atPath: targetContext.settings.certificatesDir.appendingPathComponent("ca.crt").path))
        // A wrong key also writes nothing.
        await #expect(throws: PKIError.self) {
            try await SharedCertificates(context: targetContext).open(sealed, with: .generate())
        }
        #expect(!FileManager.default.fileExists(atPath: targetContext.settings.certificatesDir.path + "/ca.key"))

        try await SharedCertificates(context: targetContext).open(sealed, with: key)
        for file in SharedCertificates(context: context).files {
            let relative = String(file.url.path.dropFirst(context.settings.certificatesDir.path.count))
            let restored = targetContext.settings.certificatesDir.path + relative
            #expect(
                FileManager.default.contents(atPath: restored) == FileManager.default.contents(atPath: file.url.path))
            let mode = try FileManager.default.attributesOfItem(atPath: restored)[.posixPermissions] as! Int
            #expect(mode == (relative.hasSuffix(".key") ? 0o600 : 0o644), "\(relative)")
        }
    }

    /// Mid-rotation the upload carries the bundle `ca.crt` and the `.next` files, and a download writes them
    /// byte for byte; an upload made without them removes stale ones, so both nodes hold the same CA files.
    @Test func theUploadCarriesTheCurrentCASetDuringARotation() async throws {
        let source = try TemporaryTree()
        let context = try await source.generate()
        let pki = context.settings.certificatesDir
        let fm = FileManager.default
        // The files `clusterpki ca rotate ca --phase prepare` and `etcd-ca --phase prepare` leave (any valid PEM will do).
        let next = try CertificateAuthority.selfSigned(
            name: "ca", commonName: "kubernetes", key: .p256(P256.Signing.PrivateKey()),
            keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true),
            notBefore: Date() - 60, notAfter: Date() + 86400)
        let bundle =
            try String(contentsOf: pki.appendingPathComponent("ca.crt"), encoding: .utf8)
            + (try PEMCertificates.encode([next.certificate]))
        var transaction = FileTransaction()
        transaction.write(bundle, to: "ca.crt", mode: 0o644)
        for base in ["ca.next", "etcd/ca.next"] {
            transaction.write(try PEMCertificates.encode([next.certificate]), to: "\(base).crt", mode: 0o644)
            transaction.write(try next.key!.pemString(), to: "\(base).key", mode: 0o600)
        }
        try transaction.commit(in: pki)

        let key = CertificateKey.generate()
        let sealed = try SharedCertificates(context: context).seal(with: key)
        #expect(
            Set(sealed.keys) == [
                "ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.pub", "sa.key", "etcd-ca.crt",
                "etcd-ca.key",
                "ca.next.crt", "ca.next.key", "etcd-ca.next.crt", "etcd-ca.next.key",
            ])
        let target = try TemporaryTree()
        let written = try await SharedCertificates(context: target.context).open(sealed, with: key)
        #expect(written.count == 12)
        let targetPKI = target.context.settings.certificatesDir
        for relative in [
            "ca.crt", "ca.key", "ca.next.crt", "ca.next.key", "etcd/ca.next.crt", "etcd/ca.next.key", "etcd/ca.crt",
        ] {
            #expect(
                fm.contents(atPath: targetPKI.appendingPathComponent(relative).path)
                    == fm.contents(atPath: pki.appendingPathComponent(relative).path), "\(relative)")
            let mode =
                try fm.attributesOfItem(atPath: targetPKI.appendingPathComponent(relative).path)[.posixPermissions]
                as! Int
            #expect(mode == (relative.hasSuffix(".key") ? 0o600 : 0o644), "\(relative)")
        }
        #expect(
            try PEMCertificates.parse(
                try String(contentsOf: targetPKI.appendingPathComponent("ca.crt"), encoding: .utf8), path: ""
            ).count == 2)
        #expect(!fm.fileExists(atPath: targetPKI.appendingPathComponent("front-proxy-ca.next.crt").path))

        // After finish the upload holds no .next file; a download removes the stale ones.
        for relative in ["ca.next.crt", "ca.next.key", "etcd/ca.next.crt", "etcd/ca.next.key"] {
            try fm.removeItem(at: pki.appendingPathComponent(relative))
        }
        let after = try SharedCertificates(context: context).seal(with: key)
        #expect(after.keys.filter { $0.contains(".next.") }.isEmpty)
        try await SharedCertificates(context: target.context).open(after, with: key)
        for relative in ["ca.next.crt", "ca.next.key", "etcd/ca.next.crt", "etcd/ca.next.key"] {
            #expect(!fm.fileExists(atPath: targetPKI.appendingPathComponent(relative).path), "\(relative)")
        }
    }
}

/// A temporary kubernetes dir with an ECDSA tree, removed when the last reference goes.
final class TemporaryTree: Sendable {
    let root: URL
    let context: TreeContext

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("clusterpki-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var settings = ClusterSettings(kubernetesDir: root)
        settings.nodeName = "node-a"
        settings.advertiseAddress = "10.0.0.10"
        settings.encryptionAlgorithm = .ecdsaP256
        let policy = try TestSupport.policy("kubeadm")
        context = TreeContext(policy: policy, settings: settings)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func generate() async throws -> TreeContext {
        try await CertsPhase(context: context).generate(["all"])
        return context
    }
}
