import Crypto
import Foundation

/// The 32-byte AES key that protects the uploaded control-plane certificates (spec 6.3).
public struct CertificateKey: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let size = 32

    /// 32 bytes from the system CSPRNG.
    public static func generate() -> CertificateKey {
        CertificateKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses 64 hex characters (either case), with kubeadm's error text.
    public init(parsing text: String) throws {
        guard let bytes = Hex.decode(text) else {
            throw PKIError.config(
                path: "--certificate-key",
                problem:
                    "the certificate key is not hexadecimal; use the 64-character key printed by `clusterpki upload-certs` or `clusterpki certs certificate-key`"
            )
        }
        guard bytes.count == Self.size else {
            throw PKIError.config(
                path: "--certificate-key",
                problem: "invalid certificate key size \(bytes.count), the key must be an AES key of size \(Self.size)")
        }
        self.bytes = bytes
    }

    /// 64 lowercase hex characters.
    public var description: String { Hex.encode(bytes) }

    public var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }
}
