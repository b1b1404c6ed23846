import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

/// Vectors from scripts/generate-csr-fixtures.sh; openssl's own verdict on each is checked alongside.
@Suite struct CSRDecoderTests {
    enum Verdict: Sendable, CustomStringConvertible {
        case accepted
        case rejected(PKIError)
        case notPKCS10
        var description: String {
            switch self {
            case .accepted: return "accepted"
            case .rejected(let error): return "\(error)"
            case .notPKCS10: return "not PKCS#10"
            }
        }
    }

    struct Vector: Sendable, CustomTestStringConvertible {
        let file: String
        let verdict: Verdict
        /// What `openssl req -verify` says: true = "self-signature verify OK".
        let opensslVerifies: Bool
        var testDescription: String { file }
    }

    static let vectors: [Vector] = [
        Vector(file: "p256.csr", verdict: .accepted, opensslVerifies: true),
        Vector(file: "rsa2048.csr", verdict: .accepted, opensslVerifies: true),
        Vector(file: "ed25519.csr", verdict: .accepted, opensslVerifies: true),
        Vector(file: "p256-76-columns.csr", verdict: .accepted, opensslVerifies: true),
        Vector(file: "p256-one-line.csr", verdict: .accepted, opensslVerifies: true),
        Vector(file: "p256-crlf.csr", verdict: .accepted, opensslVerifies: true),
        Vector(file: "p256-surrounded.csr", verdict: .accepted, opensslVerifies: true),
        Vector(file: "p256-tampered.csr", verdict: .rejected(.csrBadSignature), opensslVerifies: false),
        Vector(
            file: "rsa1024.csr", verdict: .rejected(.csrKeyTooWeak(bits: 1024, minimum: 2048)), opensslVerifies: true),
        Vector(
            file: "secp256k1.csr", verdict: .rejected(.csrUnsupportedKey("ECDSA on the curve 1.3.132.0.10")),
            opensslVerifies: true),
        Vector(file: "certificate.csr", verdict: .rejected(.csrWrongPEMType("CERTIFICATE")), opensslVerifies: false),
        Vector(file: "private-key.csr", verdict: .rejected(.csrWrongPEMType("PRIVATE KEY")), opensslVerifies: false),
        Vector(file: "p256-no-end.csr", verdict: .rejected(.csrNotPEM), opensslVerifies: false),
        Vector(file: "certificate-der-in-request-block.csr", verdict: .notPKCS10, opensslVerifies: false),
    ]

    static func fixture(_ name: String) -> URL {
        TestSupport.repositoryRoot.appendingPathComponent("Tests/ClusterPKICoreTests/Fixtures/CSR")
            .appendingPathComponent(name)
    }

    @Test(arguments: vectors)
    func decodesLikeTheAPIServerAndRefusesWeakKeys(_ vector: Vector) throws {
        let bytes = try Data(contentsOf: Self.fixture(vector.file))
        switch vector.verdict {
        case .accepted:
            let csr = try CSRDecoder.decode(pem: bytes)
            #expect(csr.subject.kubernetesIdentity.commonName == "system:node:worker-1")
            #expect(csr.subject.kubernetesIdentity.organizations == ["system:nodes"])
        case .rejected(let expected):
            #expect(throws: expected) { try CSRDecoder.decode(pem: bytes) }
        case .notPKCS10:
            let error = #expect(throws: PKIError.self) { try CSRDecoder.decode(pem: bytes) }
            guard case .csrNotPKCS10? = error else {
                Issue.record("expected csrNotPKCS10, got \(String(describing: error))")
                return
            }
        }
    }

    @Test(arguments: vectors)
    func opensslAgreesOnSyntaxAndSignature(_ vector: Vector) {
        let verified = Self.opensslVerifies(Self.fixture(vector.file))
        #expect(verified == vector.opensslVerifies)
        // Where openssl and clusterpki differ, it is policy only (key size or curve), never parsing or signature.
        if case .accepted = vector.verdict { #expect(verified) }
        if case .rejected(.csrBadSignature) = vector.verdict { #expect(!verified) }
    }

    /// `openssl req -verify` exits 0 even when the signature fails (OpenSSL 3.0); its verdict is on stderr.
    static func opensslVerifies(_ file: URL) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-verify", "-noout", "-in", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        guard (try? process.run()) != nil else { return false }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 && text.contains("self-signature verify OK")
    }

    @Test func theFirstBlockDecidesAsInTheAPIServer() throws {
        let csr = try String(contentsOf: Self.fixture("p256.csr"), encoding: .utf8)
        let certificate = try String(contentsOf: Self.fixture("certificate.csr"), encoding: .utf8)
        #expect(throws: PKIError.csrWrongPEMType("CERTIFICATE")) { try CSRDecoder.decode(pem: certificate + csr) }
        #expect(try CSRDecoder.decode(pem: csr + certificate).subject == CSRDecoder.decode(pem: csr).subject)
    }

    @Test(arguments: ["", "garbage", "-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----\n"])
    func textWithoutABlockIsNotPEM(_ text: String) {
        #expect(throws: PKIError.csrNotPEM) { try CSRDecoder.decode(pem: text) }
    }

    @Test func garbageDERIsNotPKCS10() {
        let error = #expect(throws: PKIError.self) { try CSRDecoder.decode(der: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        guard case .csrNotPKCS10(let detail)? = error else {
            Issue.record("expected csrNotPKCS10, got \(String(describing: error))")
            return
        }
        #expect(!detail.contains("\n") && !detail.contains("file:"))
    }

    @Test func messagesAreDistinctAndSayWhatToDo() {
        let errors: [PKIError] = [
            .csrNotPEM, .csrWrongPEMType("CERTIFICATE"), .csrNotPKCS10(detail: "x"), .csrBadSignature,
            .csrKeyTooWeak(bits: 1024, minimum: 2048), .csrUnsupportedKey("DSA"),
        ]
        #expect(Set(errors.map(\.message)).count == errors.count)
        #expect(PKIError.csrNotPEM.message.hasPrefix("PEM block type must be CERTIFICATE REQUEST"))
        #expect(PKIError.csrWrongPEMType("CERTIFICATE").message.contains("not \"CERTIFICATE\""))
        #expect(PKIError.csrKeyTooWeak(bits: 1024, minimum: 2048).message.contains("1024 bits"))
        #expect(PKIError.csrWrongPEMType("X\nforged").message.contains("X\\nforged"))
    }
}
