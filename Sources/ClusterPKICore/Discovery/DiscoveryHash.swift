import Crypto
import Foundation
import SwiftASN1
import X509

/// kubeadm's `--discovery-token-ca-cert-hash`: SHA-256 over the CA's DER SubjectPublicKeyInfo.
public struct DiscoveryHash: Sendable, Hashable, CustomStringConvertible {
    public let digest: [UInt8]

    public init(of certificate: Certificate) throws {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate.publicKey)
        digest = Array(SHA256.hash(data: serializer.serializedBytes))
    }

    /// Parses `sha256:<hex>` (format case-insensitive, 32 bytes), with kubeadm's error texts.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw PKIError.config(
                path: "--discovery-token-ca-cert-hash",
                problem: "invalid hash \"\(text)\", expected \"format:hex-value\"")
        }
        guard parts[0].lowercased() == "sha256" else {
            throw PKIError.config(
                path: "--discovery-token-ca-cert-hash",
                problem: "unknown hash format \"\(parts[0])\"; only sha256 is supported")
        }
        guard let bytes = Hex.decode(String(parts[1])) else {
            throw PKIError.config(path: "--discovery-token-ca-cert-hash", problem: "\"\(parts[1])\" is not hexadecimal")
        }
        guard bytes.count == 32 else {
            throw PKIError.config(
                path: "--discovery-token-ca-cert-hash",
                problem: "expected a 32 byte SHA-256 hash, found \(bytes.count) bytes")
        }
        digest = bytes
    }

    public var description: String { "sha256:" + Hex.encode(digest) }
}
