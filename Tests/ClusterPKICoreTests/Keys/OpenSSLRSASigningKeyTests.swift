import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509
import _CryptoExtras

/// The OpenSSL-backed RSA signer must be indistinguishable from swift-crypto's, byte for byte.
@Suite struct OpenSSLRSASigningKeyTests {
    @Test(arguments: [
        Certificate.SignatureAlgorithm.sha256WithRSAEncryption, .sha384WithRSAEncryption, .sha512WithRSAEncryption,
    ])
    func signaturesAreByteIdenticalToSwiftCrypto(_ algorithm: Certificate.SignatureAlgorithm) throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let fast = try OpenSSLRSASigningKey(key)
        let message = Array("to be signed: a TBSCertificate".utf8)
        let reference = try Certificate.PrivateKey(key).sign(bytes: message, signatureAlgorithm: algorithm)
        let signature = try Certificate.PrivateKey(fast).sign(bytes: message, signatureAlgorithm: algorithm)
        // PKCS#1 v1.5 is deterministic: the same key and message give the same bytes in every correct implementation.
        #expect(signature == reference)
        #expect(fast.publicKey == Certificate.PublicKey(key.publicKey))
    }

    @Test func refusesNonRSASignatureAlgorithms() throws {
        let fast = try OpenSSLRSASigningKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        #expect(throws: (any Error).self) {
            try fast.signSynchronously(bytes: [1, 2, 3], signatureAlgorithm: .ecdsaWithSHA256)
        }
    }

    @Test func anRSACertificateAuthoritySignsThroughOpenSSLAndItsLeavesVerify() throws {
        let key = try PrivateKeyMaterial.generate(.rsa2048)
        #expect(key.signingKey.description == "CustomPrivateKey", "RSA CA keys sign through OpenSSL")
        let now = Date()
        let ca = try CertificateAuthority.selfSigned(
            name: "ca", commonName: "kubernetes", key: key,
            keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true),
            notBefore: now - 60, notAfter: now + 86_400)
        #expect(ca.issued(ca.certificate))
        let leafKey = try PrivateKeyMaterial.generate(.ecdsaP256)
        let leaf = try ca.sign(
            IssuanceRequest(
                commonName: "system:node:w1", organizations: ["system:nodes"],
                keyUsage: KeyUsage(digitalSignature: true),
                extendedKeyUsages: [.clientAuth], notBefore: now - 60, notAfter: now + 3_600),
            publicKey: leafKey.publicKey)
        #expect(ca.issued(leaf))
        #expect(leaf.signatureAlgorithm == .sha256WithRSAEncryption)
    }
}
