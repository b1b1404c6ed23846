import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

/// Certificates, private keys and public keys are read through ``PEMBlock``: any line length, CRLF, text around.
@Suite struct PEMReadersTests {
    /// `pem` with each block's base64 re-wrapped at 76 columns, CRLF line ends and text around every block.
    static func rewrapped(_ pem: String) -> String {
        PEMBlock.blocks(in: pem).map { block in
            let body = Data(block.bytes).base64EncodedString(
                options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            return
                "Comment: \(block.type)\r\n-----BEGIN \(block.type)-----\r\n\(body)\r\n-----END \(block.type)-----\r\n\r\n"
        }.joined() + "trailing text\r\n"
    }

    @Test func readsACertificateBundleWrappedAt76ColumnsWithCRLF() throws {
        let first = try PEMCertificatesTests.certificate(), second = try PEMCertificatesTests.certificate()
        let text = Self.rewrapped(try PEMCertificates.encode([first, second]))
        #expect(text.contains("\r\n") && text.split(separator: "\r\n").contains { $0.count == 76 })
        #expect(try PEMCertificates.parse(text, path: "bundle.crt") == [first, second])
    }

    @Test(arguments: [KeyAlgorithm.ecdsaP256, .ecdsaP384, .rsa2048])
    func readsPrivateKeysWrappedAt76Columns(_ algorithm: KeyAlgorithm) throws {
        let key = try PrivateKeyMaterial.generate(algorithm)
        let reread = try PrivateKeyMaterial(pemEncoded: Self.rewrapped(try key.pemString()), path: "k.key")
        #expect(reread.publicKey == key.publicKey)
    }

    @Test func readsPublicKeyBundlesWrappedAt76Columns() throws {
        let keys = [
            try PrivateKeyMaterial.generate(.rsa2048).publicKey, try PrivateKeyMaterial.generate(.ecdsaP256).publicKey,
        ]
        #expect(try PublicKeyBundle.parse(Self.rewrapped(try PublicKeyBundle.encode(keys)), path: "sa.pub") == keys)
    }

    @Test func certificateBlocksWithHeadersAreSkippedAsClientGoDoes() throws {
        let certificate = try PEMCertificatesTests.certificate()
        let plain = try PEMCertificates.encode([certificate])
        let begin = "-----BEGIN CERTIFICATE-----\n"
        let withHeader = plain.replacingOccurrences(of: begin, with: begin + "X-Note: skipped\n\n")
        #expect(try PEMCertificates.parse(withHeader + plain, path: "c.crt") == [certificate])
        #expect(throws: PKIError.self) { try PEMCertificates.parse(withHeader, path: "c.crt") }
    }

    @Test func anEncryptedKeySaysToDecryptIt() throws {
        // The body stands for ciphertext: it is no key until decrypted.
        let pem =
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMIIBOgIBAAJBAK==\n-----END RSA PRIVATE KEY-----\n"
        let block = try #require(PEMBlock.blocks(in: pem).first)
        #expect(block.isEncrypted)
        let error = #expect(throws: PKIError.self) { try PrivateKeyMaterial(pemEncoded: pem, path: "enc.key") }
        #expect(error?.message.contains("encrypted") == true)
    }
}
