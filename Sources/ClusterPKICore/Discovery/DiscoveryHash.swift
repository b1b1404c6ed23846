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
            throw PKIError.config(path: "--discovery-token-ca-cert-hash", problem: "invalid hash \"\(text)\", expected \"format:hex-value\"")
        }
        guard parts[0].lowercased() == "sha256" else {
            throw PKIError.config(path: "--discovery-token-ca-cert-hash", problem: "unknown hash format \"\(parts[0])\"; only sha256 is supported")
        }
        guard let bytes = Hex.decode(String(parts[1])) else {
            throw PKIError.config(path: "--discovery-token-ca-cert-hash", problem: "\"\(parts[1])\" is not hexadecimal")
        }
        guard bytes.count == 32 else {
            throw PKIError.config(path: "--discovery-token-ca-cert-hash", problem: "expected a 32 byte SHA-256 hash, found \(bytes.count) bytes")
        }
        digest = bytes
    }

    public var description: String { "sha256:" + Hex.encode(digest) }
}

/// Lowercase hexadecimal, as kubeadm prints hashes and certificate keys.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2)
        for index in stride(from: 0, to: chars.count, by: 2) {
            guard let high = value(chars[index]), let low = value(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
