import Crypto
import Foundation
import SwiftASN1
import X509

/// A CA certificate with its key (or without it: kubeadm's external-CA mode).
public struct CertificateAuthority: Sendable {
    public let name: String
    public let certificate: Certificate
    public let key: PrivateKeyMaterial?
    /// `key` prepared for signing once, not per certificate.
    private let signingKey: Certificate.PrivateKey?

    public init(name: String, certificate: Certificate, key: PrivateKeyMaterial?) {
        self.name = name
        self.certificate = certificate
        self.key = key
        self.signingKey = key?.signingKey
    }

    public var isExternal: Bool { key == nil }

    /// A self-signed CA as kubeadm makes it: KU critical, CA:TRUE critical, SKI, SAN DNS=CN.
    /// The CN must pass ``SubjectNameValidator`` as a name and as a DNS name.
    public static func selfSigned(
        name: String, commonName: String, key: PrivateKeyMaterial, keyUsage: KeyUsage,
        notBefore: Date, notAfter: Date
    ) throws -> CertificateAuthority {
        try SubjectNameValidator.validate(commonName: commonName, dnsNames: [commonName])
        let subject = try DistinguishedName.kubernetes(commonName: commonName, organizations: [])
        let extensions = try Certificate.Extensions {
            Critical(keyUsage)
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            SubjectKeyIdentifier(
                keyIdentifier: ArraySlice(Insecure.SHA1.hash(data: Array(key.publicKey.subjectPublicKeyInfoBytes))))
            SubjectAlternativeNames([.dnsName(commonName)])
        }
        do {
            let certificate = try Certificate(
                version: .v3, serialNumber: .randomPositive(), publicKey: key.publicKey,
                notValidBefore: notBefore, notValidAfter: notAfter, issuer: subject, subject: subject,
                signatureAlgorithm: key.signatureAlgorithm, extensions: extensions, issuerPrivateKey: key.signingKey)
            return CertificateAuthority(name: name, certificate: certificate, key: key)
        } catch {
            throw PKIError.signing("\(name): \(error)")
        }
    }

    /// Signs a leaf for `publicKey`; NotAfter is capped at the CA's own NotAfter. Every leaf of every path (tree,
    /// renewal, kubeconfigs, CSRs) passes here, so its names are checked here: ``SubjectNameValidator``.
    public func sign(_ request: IssuanceRequest, publicKey: Certificate.PublicKey) throws -> Certificate {
        try SubjectNameValidator.validate(request)
        guard let key, let signingKey else { throw PKIError.missingCAKey(name: name, path: "\(name).key") }
        let notAfter = min(request.notAfter, certificate.notValidAfter)
        let authorityKeyID = (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
        let sans = request.subjectAltNames
        let names: [GeneralName] =
            sans.dnsNames.map { .dnsName($0) }
            + sans.ipAddresses.map { .ipAddress(ASN1OctetString(contentBytes: ArraySlice($0.octets))) }
        let extensions = try Certificate.Extensions {
            Critical(request.keyUsage)
            if !request.extendedKeyUsages.isEmpty { try ExtendedKeyUsage(request.extendedKeyUsages) }
            Critical(BasicConstraints.notCertificateAuthority)
            if let authorityKeyID { AuthorityKeyIdentifier(keyIdentifier: authorityKeyID) }
            if !names.isEmpty { SubjectAlternativeNames(names) }
        }
        do {
            return try Certificate(
                version: .v3, serialNumber: .randomPositive(), publicKey: publicKey,
                notValidBefore: request.notBefore, notValidAfter: notAfter, issuer: certificate.subject,
                subject: try DistinguishedName.kubernetes(
                    commonName: request.commonName, organizations: request.organizations),
                signatureAlgorithm: key.signatureAlgorithm, extensions: extensions, issuerPrivateKey: signingKey)
        } catch {
            throw PKIError.signing("\(request.commonName): \(error)")
        }
    }

    /// Whether `certificate` was issued by this CA (issuer name and signature).
    public func issued(_ leaf: Certificate) -> Bool {
        leaf.issuer == certificate.subject && certificate.publicKey.isValidSignature(leaf.signature, for: leaf)
    }
}
