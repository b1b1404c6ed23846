import Crypto
import Foundation
import SwiftASN1
import X509

/// A file of consecutive PKIX `PUBLIC KEY` PEM blocks, such as `sa.pub` during a service-account key rotation.
public enum PublicKeyBundle {
    /// The keys of `text`, in file order.
    public static func parse(_ text: String, path: String) throws -> [Certificate.PublicKey] {
        do {
            return try PEMDocument.parseMultiple(pemString: text).map { try Certificate.PublicKey(pemDocument: $0) }
        } catch {
            throw PKIError.malformedPEM(path: path, detail: "expected PUBLIC KEY blocks: \(error)")
        }
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
