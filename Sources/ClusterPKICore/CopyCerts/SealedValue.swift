import Crypto
import Foundation

/// kubeadm's per-value encryption: AES-256-GCM, `nonce(12) ‖ ciphertext ‖ tag(16)`, no AAD (spec 6.2).
public enum SealedValue {
    public static func seal(_ plaintext: Data, key: CertificateKey, nonce: AES.GCM.Nonce = AES.GCM.Nonce()) throws
        -> Data
    {
        guard let combined = try AES.GCM.seal(plaintext, using: key.symmetricKey, nonce: nonce).combined else {
            throw PKIError.signing("AES-GCM produced no combined representation")
        }
        return combined
    }

    /// Decrypts one value; any failure (short data, wrong key, tampering) is the same error.
    public static func open(_ value: Data, key: CertificateKey, name: String) throws -> Data {
        guard value.count >= 12 else {
            throw PKIError.config(path: name, problem: "size of data is less than the nonce")
        }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: value), using: key.symmetricKey)
        } catch {
            throw PKIError.config(
                path: "--certificate-key",
                problem:
                    "the certificate key does not decrypt \(name); check that it is the key printed by the last `clusterpki upload-certs`, or upload again to get a new one"
            )
        }
    }
}
