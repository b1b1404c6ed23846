import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import ClusterPKICore

/// ``PEMEncoder`` writes exactly what swift-asn1's `PEMDocument.pemString` writes, and what it writes reads back.
@Suite struct PEMEncoderTests {
    @Test func blocksAreByteIdenticalToSwiftASN1ForEveryLineBoundary() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...200 {
            let der = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(
                PEMEncoder.block(type: "CERTIFICATE", der: der)
                    == PEMDocument(type: "CERTIFICATE", derBytes: der).pemString, "\(length) bytes")
        }
    }

    @Test func certificatesAndKeysMatchAndReadBack() throws {
        let key = PrivateKeyMaterial.p256(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CommonName("pem-encoder") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey, notValidBefore: now,
            notValidAfter: now + 3600, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions(), issuerPrivateKey: Certificate.PrivateKey(P256.Signing.PrivateKey()))
        #expect(try PEMEncoder.certificate(certificate) == certificate.serializeAsPEM().pemString)
        let bundle = try PEMCertificates.encode([certificate, certificate])
        #expect(try PEMCertificates.parse(bundle, path: "bundle") == [certificate, certificate])
        let keyPEM = try key.pemString()
        #expect(
            keyPEM.hasPrefix("-----BEGIN EC PRIVATE KEY-----\n") && keyPEM.hasSuffix("-----END EC PRIVATE KEY-----\n"))
        #expect(try PrivateKeyMaterial(pemEncoded: keyPEM, path: "k").publicKey == key.publicKey)
    }
}
