import SwiftASN1
import X509

/// Reads a PKCS#10 certificate signing request as the API server validates a CSR's `spec.request` (the first PEM
/// block must be a `CERTIFICATE REQUEST`, its self-signature must verify), and refuses keys clusterpki will not
/// sign (RSA under 2048 bits, algorithms other than RSA, ECDSA and Ed25519).
///
/// Every failure is a distinct ``PKIError`` case whose message says what to do next: ``PKIError/csrNotPEM``,
/// ``PKIError/csrWrongPEMType(_:)``, ``PKIError/csrNotPKCS10(detail:)``, ``PKIError/csrBadSignature``,
/// ``PKIError/csrKeyTooWeak(bits:minimum:)``, ``PKIError/csrUnsupportedKey(_:)``.
public enum CSRDecoder {
    /// The smallest RSA modulus accepted, in bits.
    public static let minimumRSABits = 2048

    /// Decodes the PEM text of a CSR (any line length, CRLF, text around the block: see ``PEMBlock``).
    public static func decode(pem: some Collection<UInt8>) throws(PKIError) -> CertificateSigningRequest {
        guard let block = PEMBlock.first(in: pem) else { throw .csrNotPEM }
        guard block.type == "CERTIFICATE REQUEST" else { throw .csrWrongPEMType(block.type) }
        return try decode(der: block.bytes)
    }

    /// Decodes the PEM text of a CSR.
    public static func decode(pem: String) throws(PKIError) -> CertificateSigningRequest {
        try decode(pem: Array(pem.utf8))
    }

    /// Decodes a DER-encoded CSR and verifies its self-signature.
    public static func decode(der: some Collection<UInt8>) throws(PKIError) -> CertificateSigningRequest {
        // Parsed once, for the key check and for X509 (each parse was ~30,000 instructions a CSR).
        let root: ASN1Node
        do { root = try DER.parse(Array(der)) } catch { throw .csrNotPKCS10(detail: describe(error)) }
        if let problem = CSRPublicKeyCheck.problem(csr: root) { throw problem }
        let csr: CertificateSigningRequest
        do { csr = try CertificateSigningRequest(derEncoded: root) } catch {
            throw .csrNotPKCS10(detail: describe(error))
        }
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else { throw .csrBadSignature }
        return csr
    }

    /// The parser's complaint without the source locations SwiftASN1 and X509 add.
    private static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        let cut = text.range(of: " (file:").map { text[..<$0.lowerBound] } ?? text[...]
        return goEscape(String(cut.prefix(200)))
    }
}
