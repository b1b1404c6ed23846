import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

@Suite struct PrivateKeyMaterialTests {
    /// Keys are generated once per suite instance; RSA-2048 is the slow one.
    static let ecAlgorithms: [KeyAlgorithm] = [.ecdsaP256, .ecdsaP384]

    @Test func rsaKeyIsWrittenAsPKCS1() throws {
        let key = try PrivateKeyMaterial.generate(.rsa2048)
        let pem = try key.pemString()
        #expect(pem.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n"))
        #expect(pem.contains("-----END RSA PRIVATE KEY-----\n"))
        // kubeadm (Go pem.EncodeToMemory) ends the block with exactly one newline, as the EC path here does.
        #expect(pem.hasSuffix("-----END RSA PRIVATE KEY-----\n") && !pem.hasSuffix("\n\n"))
        let reread = try PrivateKeyMaterial(pemEncoded: pem, path: "rsa.key")
        #expect(reread.isRSA)
        #expect(reread.publicKey == key.publicKey)
        #expect(key.signatureAlgorithm == .sha256WithRSAEncryption)
    }

    @Test(arguments: ecAlgorithms)
    func ecKeyIsWrittenAsSEC1(_ algorithm: KeyAlgorithm) throws {
        let key = try PrivateKeyMaterial.generate(algorithm)
        let pem = try key.pemString()
        #expect(pem.hasPrefix("-----BEGIN EC PRIVATE KEY-----\n"))
        #expect(pem.hasSuffix("-----END EC PRIVATE KEY-----\n"))
        let reread = try PrivateKeyMaterial(pemEncoded: pem, path: "ec.key")
        #expect(!reread.isRSA)
        #expect(reread.publicKey == key.publicKey)
        #expect(key.signatureAlgorithm == (algorithm == .ecdsaP256 ? .ecdsaWithSHA256 : .ecdsaWithSHA384))
    }

    /// openssl must read what we write, and agree on the public key (proves the SEC1/PKCS#1 DER is right).
    @Test(arguments: [KeyAlgorithm.ecdsaP256, .ecdsaP384, .rsa2048])
    func opensslReadsWrittenKeys(_ algorithm: KeyAlgorithm) async throws {
        try await TestSupport.withTemporaryDirectory { dir in
            let key = try PrivateKeyMaterial.generate(algorithm)
            let file = dir.appendingPathComponent("k.key")
            try key.pemString().write(to: file, atomically: true, encoding: .utf8)
            let publicPEM = try TestSupport.openssl(["pkey", "-in", file.path, "-pubout"])
            #expect(publicPEM == (try key.publicKeyPEMString()))
            let structure = try TestSupport.openssl(["asn1parse", "-in", file.path])
            if algorithm.isRSA {
                #expect(!structure.contains("rsaEncryption"), "PKCS#1 has no algorithm identifier")
            } else {
                #expect(structure.contains(algorithm == .ecdsaP256 ? "prime256v1" : "secp384r1"))
                #expect(!structure.contains("id-ecPublicKey"), "SEC1, not PKCS#8")
            }
        }
    }

    struct OpenSSLKey: Sendable, CustomTestStringConvertible {
        let label: String
        let arguments: [String]
        let header: String
        let isRSA: Bool
        var testDescription: String { label }
    }

    static let opensslKeys: [OpenSSLKey] = [
        OpenSSLKey(
            label: "PKCS#8 P-256", arguments: ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            header: "-----BEGIN PRIVATE KEY-----", isRSA: false),
        OpenSSLKey(
            label: "PKCS#8 P-384", arguments: ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            header: "-----BEGIN PRIVATE KEY-----", isRSA: false),
        OpenSSLKey(
            label: "PKCS#8 RSA-2048", arguments: ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            header: "-----BEGIN PRIVATE KEY-----", isRSA: true),
        OpenSSLKey(
            label: "SEC1 with EC PARAMETERS block first", arguments: ["ecparam", "-name", "prime256v1", "-genkey"],
            header: "-----BEGIN EC PARAMETERS-----", isRSA: false),
    ]

    @Test(arguments: opensslKeys)
    func acceptsKeysMadeByOpenSSL(_ sample: OpenSSLKey) async throws {
        try await TestSupport.withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("k.key")
            try TestSupport.openssl(sample.arguments + ["-out", file.path])
            let pem = try TestSupport.read(file)
            #expect(pem.hasPrefix(sample.header))
            let key = try PrivateKeyMaterial(pemEncoded: pem, path: file.path)
            #expect(key.isRSA == sample.isRSA)
            #expect(try key.publicKeyPEMString() == TestSupport.openssl(["pkey", "-in", file.path, "-pubout"]))
        }
    }

    @Test
    func rejectsEd25519AsUnsupported() async throws {
        try await TestSupport.withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("ed.key")
            try TestSupport.openssl(["genpkey", "-algorithm", "ed25519", "-out", file.path])
            #expect(throws: PKIError.unsupportedKey(path: file.path)) {
                try PrivateKeyMaterial(pemEncoded: TestSupport.read(file), path: file.path)
            }
        }
    }

    @Test(arguments: [
        "",
        "garbage",
        "-----BEGIN RSA PRIVATE KEY-----\n!!!not base64!!!\n-----END RSA PRIVATE KEY-----\n",
        "-----BEGIN EC PRIVATE KEY-----\nMIIB\n",
        "-----BEGIN EC PRIVATE KEY-----\n-----END EC PRIVATE KEY-----\n",
    ])
    func rejectsGarbageAsMalformedPEM(_ text: String) {
        let error = #expect(throws: PKIError.self) { try PrivateKeyMaterial(pemEncoded: text, path: "bad.key") }
        guard case .malformedPEM(let path, _)? = error else {
            Issue.record("expected malformedPEM, got \(String(describing: error))")
            return
        }
        #expect(path == "bad.key")
    }

    @Test func rejectsAKeyBlockWhoseDERIsNotAKey() {
        // Valid base64, wrong content: kubeadm's "neither in RSA nor ECDSA format" case.
        let text = "-----BEGIN RSA PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END RSA PRIVATE KEY-----\n"
        #expect(throws: PKIError.self) { try PrivateKeyMaterial(pemEncoded: text, path: "bad.key") }
    }

    @Test func readsTheFirstKeyOfSeveralBlocks() throws {
        let first = try PrivateKeyMaterial.generate(.ecdsaP256), second = try PrivateKeyMaterial.generate(.ecdsaP384)
        let key = try PrivateKeyMaterial(pemEncoded: try first.pemString() + second.pemString(), path: "two.key")
        #expect(key.publicKey == first.publicKey)
    }

    @Test func servicePublicKeyIsPKIXPublicKeyPEM() throws {
        let pem = try PrivateKeyMaterial.generate(.ecdsaP256).publicKeyPEMString()
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(pem.hasSuffix("-----END PUBLIC KEY-----\n"))
    }

    @Test func generatesConcurrentlyInRequestedOrder() async throws {
        let keys = try await PrivateKeyMaterial.generateConcurrently([.ecdsaP256, .ecdsaP384, .ecdsaP256])
        #expect(keys.count == 3)
        #expect(keys.map(\.signatureAlgorithm) == [.ecdsaWithSHA256, .ecdsaWithSHA384, .ecdsaWithSHA256])
        #expect(Set(keys.map { try! $0.pemString() }).count == 3)
    }
}

@Suite struct KeyAlgorithmTests {
    @Test(arguments: [
        ("RSA-2048", KeyAlgorithm.rsa2048), ("RSA-3072", .rsa3072), ("RSA-4096", .rsa4096),
        ("ECDSA-P256", .ecdsaP256), ("ECDSA-P384", .ecdsaP384), ("", .rsa2048),
    ])
    func parsesKubeadmSpelling(_ text: String, _ expected: KeyAlgorithm) throws {
        #expect(try KeyAlgorithm(parsing: text) == expected)
    }

    @Test(arguments: ["rsa-2048", "RSA-1024", "ECDSA-P521", "Ed25519", "ML-DSA-44"])
    func rejectsUnknownAlgorithms(_ text: String) {
        let error = #expect(throws: PKIError.unknownKeyAlgorithm(text)) { try KeyAlgorithm(parsing: text) }
        #expect(error?.message.contains("ECDSA-P256") == true)
    }

    @Test func onlyRSAAlgorithmsAreRSA() {
        #expect(KeyAlgorithm.allCases.filter(\.isRSA) == [.rsa2048, .rsa3072, .rsa4096])
    }
}

@Suite struct PEMCertificatesTests {
    static func certificate() throws -> Certificate {
        let key = try PrivateKeyMaterial.generate(.ecdsaP256)
        return try CertificateAuthority.selfSigned(
            name: "ca", commonName: "kubernetes", key: key,
            keyUsage: KeyUsage(digitalSignature: true, keyCertSign: true),
            notBefore: TestSupport.start, notAfter: TestSupport.start + TestSupport.day
        ).certificate
    }

    @Test func roundTripsABundleInOrder() throws {
        let first = try Self.certificate(), second = try Self.certificate()
        let pem = try PEMCertificates.encode([first, second])
        #expect(pem.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(try PEMCertificates.parse(pem, path: "bundle.crt") == [first, second])
    }

    @Test func skipsOtherBlockTypes() throws {
        let certificate = try Self.certificate()
        let text = try PrivateKeyMaterial.generate(.ecdsaP256).pemString() + PEMCertificates.encode([certificate])
        #expect(try PEMCertificates.parse(text, path: "mixed.pem") == [certificate])
    }

    @Test(arguments: ["", "garbage", "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n"])
    func rejectsNonCertificatesAsMalformedPEM(_ text: String) {
        let error = #expect(throws: PKIError.self) { try PEMCertificates.parse(text, path: "bad.crt") }
        guard case .malformedPEM(let path, _)? = error else {
            Issue.record("expected malformedPEM, got \(String(describing: error))")
            return
        }
        #expect(path == "bad.crt")
    }

    @Test func keyOnlyFileHasNoCertificate() throws {
        let text = try PrivateKeyMaterial.generate(.ecdsaP256).pemString()
        let error = #expect(throws: PKIError.self) { try PEMCertificates.parse(text, path: "key.pem") }
        #expect(error?.message.contains("data does not contain any valid RSA or ECDSA certificates") == true)
    }
}
