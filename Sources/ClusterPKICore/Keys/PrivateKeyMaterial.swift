import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A private key of one of the kinds kubeadm writes, with its kubeadm-compatible PEM form.
public enum PrivateKeyMaterial: Sendable {
    case rsa(_RSA.Signing.PrivateKey)
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)

    /// Creates a fresh key; RSA generation is the expensive step of building a tree.
    public static func generate(_ algorithm: KeyAlgorithm) throws -> PrivateKeyMaterial {
        switch algorithm {
        case .rsa2048: return .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        case .rsa3072: return .rsa(try _RSA.Signing.PrivateKey(keySize: .bits3072))
        case .rsa4096: return .rsa(try _RSA.Signing.PrivateKey(keySize: .bits4096))
        case .ecdsaP256: return .p256(P256.Signing.PrivateKey())
        case .ecdsaP384: return .p384(P384.Signing.PrivateKey())
        }
    }

    /// Generates `count` keys concurrently so a tree uses every core.
    public static func generateConcurrently(_ algorithms: [KeyAlgorithm]) async throws -> [PrivateKeyMaterial] {
        try await withThrowingTaskGroup(of: (Int, PrivateKeyMaterial).self) { group in
            for (index, algorithm) in algorithms.enumerated() {
                group.addTask { (index, try PrivateKeyMaterial.generate(algorithm)) }
            }
            var keys = [PrivateKeyMaterial?](repeating: nil, count: algorithms.count)
            for try await (index, key) in group { keys[index] = key }
            return keys.map { $0! }
        }
    }

    /// The algorithm this key was generated with.
    public var algorithm: KeyAlgorithm {
        switch self {
        case .rsa(let key):
            switch key.keySizeInBits {
            case ...2048: return .rsa2048
            case ...3072: return .rsa3072
            default: return .rsa4096
            }
        case .p256: return .ecdsaP256
        case .p384: return .ecdsaP384
        }
    }

    public var isRSA: Bool {
        if case .rsa = self { return true }
        return false
    }

    public var certificateKey: Certificate.PrivateKey {
        switch self {
        case .rsa(let key): return Certificate.PrivateKey(key)
        case .p256(let key): return Certificate.PrivateKey(key)
        case .p384(let key): return Certificate.PrivateKey(key)
        }
    }

    public var publicKey: Certificate.PublicKey { certificateKey.publicKey }

    /// The key to sign certificates with: RSA through OpenSSL's libcrypto (about twice as fast; see
    /// ``OpenSSLRSASigningKey``), falling back to swift-crypto if OpenSSL refuses the key; EC keys through swift-crypto.
    public var signingKey: Certificate.PrivateKey {
        if case .rsa(let key) = self, let fast = try? OpenSSLRSASigningKey(key) { return Certificate.PrivateKey(fast) }
        return certificateKey
    }

    /// The signature algorithm Go's crypto/x509 would pick for this key.
    public var signatureAlgorithm: Certificate.SignatureAlgorithm {
        switch self {
        case .rsa: return .sha256WithRSAEncryption
        case .p256: return .ecdsaWithSHA256
        case .p384: return .ecdsaWithSHA384
        }
    }

    /// PEM as kubeadm writes it: PKCS#1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY`, newline-terminated.
    public func pemString() throws -> String {
        switch self {
        case .rsa(let key):
            let pem = key.pemRepresentation
            return pem.hasSuffix("\n") ? pem : pem + "\n"
        case .p256(let key):
            return try Self.sec1PEM(
                raw: key.rawRepresentation, publicX963: key.publicKey.x963Representation,
                curve: .NamedCurves.secp256r1)
        case .p384(let key):
            return try Self.sec1PEM(
                raw: key.rawRepresentation, publicX963: key.publicKey.x963Representation,
                curve: .NamedCurves.secp384r1)
        }
    }

    /// The PKIX `PUBLIC KEY` PEM, as in `sa.pub`.
    public func publicKeyPEMString() throws -> String {
        try publicKey.serializeAsPEM().pemString + "\n"
    }

    // swift-crypto only emits PKCS#8 for EC keys; kubeadm writes SEC1 (RFC 5915).
    private static func sec1PEM(raw: Data, publicX963: Data, curve: ASN1ObjectIdentifier) throws -> String {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(raw)))
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) {
                try $0.serialize(curve)
            }
            try coder.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) {
                try $0.serialize(ASN1BitString(bytes: ArraySlice(publicX963)))
            }
        }
        return PEMEncoder.block(type: "EC PRIVATE KEY", der: serializer.serializedBytes) + "\n"
    }

    /// Reads the first private key block of a PEM file (PKCS#1, SEC1 or PKCS#8), skipping other blocks such as
    /// `EC PARAMETERS`, as kubeadm's `keyutil.ParsePrivateKeyPEM` does.
    public init(pemEncoded text: String, path: String) throws {
        let blocks = PEMBlock.blocks(in: text)
        var unsupported = false
        for block in blocks {
            switch block.type {
            case "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY":
                if let key = Self.key(der: block.bytes) { self = key; return }
                // Well-formed DER we cannot use (Ed25519, P-521, RSA under 2048 bits) is a key of another kind;
                // anything else is a damaged file.
                unsupported = unsupported || (!block.isEncrypted && (try? DER.parse(block.bytes)) != nil)
            default:
                continue
            }
        }
        if blocks.isEmpty { throw PKIError.malformedPEM(path: path, detail: "no PEM block found") }
        if blocks.contains(where: { $0.isEncrypted || $0.type == "ENCRYPTED PRIVATE KEY" }) {
            throw PKIError.malformedPEM(
                path: path,
                detail: "the private key is encrypted; decrypt it first, e.g. `openssl pkey -in \(path) -out \(path)`")
        }
        if unsupported { throw PKIError.unsupportedKey(path: path) }
        throw PKIError.malformedPEM(path: path, detail: "data does not contain a valid RSA or ECDSA private key")
    }

    /// PKCS#1 or PKCS#8 RSA, SEC1 or PKCS#8 P-256/P-384, whatever the block type says (as Go's parsers are tried).
    private static func key(der: [UInt8]) -> PrivateKeyMaterial? {
        if let key = try? P256.Signing.PrivateKey(derRepresentation: der) { return .p256(key) }
        if let key = try? P384.Signing.PrivateKey(derRepresentation: der) { return .p384(key) }
        if let key = try? _RSA.Signing.PrivateKey(derRepresentation: der) { return .rsa(key) }
        return nil
    }
}
