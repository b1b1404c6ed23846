import Crypto
import Foundation
import SwiftASN1
import X509

/// A file of consecutive PKIX `PUBLIC KEY` PEM blocks, such as `sa.pub` during a service-account key rotation.
public enum PublicKeyBundle {
    /// The keys of the `PUBLIC KEY` blocks of `text`, in file order; other blocks are skipped.
    public static func parse(_ text: String, path: String) throws -> [Certificate.PublicKey] {
        var keys: [Certificate.PublicKey] = []
        for block in PEMBlock.blocks(in: text) where block.type == "PUBLIC KEY" {
            do { keys.append(try Certificate.PublicKey(derEncoded: block.bytes)) } catch {
                throw PKIError.malformedPEM(
                    path: path, detail: "a PUBLIC KEY block does not hold a PKIX public key: \(error)")
            }
        }
        guard !keys.isEmpty else {
            throw PKIError.malformedPEM(path: path, detail: "data does not contain any valid RSA or ECDSA public keys")
        }
        return keys
    }

    /// The keys as consecutive newline-terminated `PUBLIC KEY` blocks.
    public static func encode(_ keys: [Certificate.PublicKey]) throws -> String {
        try keys.map { try $0.serializeAsPEM().pemString + "\n" }.joined()
    }

    /// `sha256:` and the first 16 hex digits of the SHA-256 of the key's DER, to tell keys apart in output.
    public static func fingerprint(_ key: Certificate.PublicKey) -> String {
        guard let der = try? key.serializeAsPEM().derBytes else { return "sha256:?" }
        return "sha256:" + SHA256.hash(data: der).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
