import CLibCrypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// An RSA private key whose signatures are made by the system's OpenSSL libcrypto.
///
/// Same key, same PKCS#1 v1.5 signatures as `_RSA.Signing.PrivateKey`; OpenSSL's private-key operation is about
/// twice as fast, and a CA signing CSRs spends most of its time there. Used only as the issuer key of a
/// ``CertificateAuthority``; everything else (generation, PEM, verification) stays with swift-crypto.
public struct OpenSSLRSASigningKey: CustomPrivateKey {
    private let handle: Handle
    private let key: _RSA.Signing.PrivateKey
    private let publicKeyDER: [UInt8]

    /// Owns the `EVP_PKEY`; OpenSSL allows concurrent signing with one key, each with its own `EVP_MD_CTX`.
    private final class Handle: @unchecked Sendable {
        let pkey: OpaquePointer
        init(_ pkey: OpaquePointer) { self.pkey = pkey }
        deinit { EVP_PKEY_free(pkey) }
    }

    public enum LoadError: Error { case rejectedByOpenSSL }

    public init(_ key: _RSA.Signing.PrivateKey) throws {
        let der = [UInt8](key.derRepresentation)
        let pkey = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PrivateKey(EVP_PKEY_RSA, nil, &cursor, buffer.count)
        }
        guard let pkey else {
            ERR_clear_error()
            throw LoadError.rejectedByOpenSSL
        }
        self.handle = Handle(pkey)
        self.key = key
        self.publicKeyDER = [UInt8](key.publicKey.derRepresentation)
    }

    public var publicKey: Certificate.PublicKey { Certificate.PublicKey(key.publicKey) }
    public var defaultSignatureAlgorithm: Certificate.SignatureAlgorithm { .sha256WithRSAEncryption }
    public var supportedSignatureAlgorithms: [Certificate.SignatureAlgorithm] {
        [.sha256WithRSAEncryption, .sha384WithRSAEncryption, .sha512WithRSAEncryption]
    }

    public func signSynchronously(bytes: some DataProtocol, signatureAlgorithm: Certificate.SignatureAlgorithm) throws
        -> Certificate.Signature
    {
        let digest: OpaquePointer?
        switch signatureAlgorithm {
        case .sha256WithRSAEncryption: digest = EVP_sha256()
        case .sha384WithRSAEncryption: digest = EVP_sha384()
        case .sha512WithRSAEncryption: digest = EVP_sha512()
        default: throw CertificateError.unsupportedSignatureAlgorithm(reason: "\(signatureAlgorithm) with an RSA key")
        }
        guard let context = EVP_MD_CTX_new() else { throw Self.failure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, digest, nil, handle.pkey) == 1 else {
            throw Self.failure("EVP_DigestSignInit")
        }
        let message = Array(bytes)
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
            throw Self.failure("EVP_DigestSign")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            throw Self.failure("EVP_DigestSign")
        }
        return try Certificate.Signature(
            signatureAlgorithm: signatureAlgorithm,
            signatureBytes: ASN1BitString(bytes: ArraySlice(signature.prefix(length))))
    }

    private static func failure(_ call: String) -> any Error {
        let code = ERR_get_error()
        ERR_clear_error()
        return PKIError.signing("OpenSSL \(call) failed (error \(code))")
    }

    // PEMSerializable: the PKCS#1 form, as written to disk.
    public static var defaultPEMDiscriminator: String { "RSA PRIVATE KEY" }
    public func serialize(into coder: inout DER.Serializer) throws { coder.serializeRawBytes(key.derRepresentation) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.publicKeyDER == rhs.publicKeyDER }
    public func hash(into hasher: inout Hasher) { hasher.combine(publicKeyDER) }
}
