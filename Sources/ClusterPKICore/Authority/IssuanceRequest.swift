import Foundation
import X509

/// What a leaf certificate must say: subject, SANs, usages and validity window.
public struct IssuanceRequest: Sendable {
    public var commonName: String
    public var organizations: [String]
    public var subjectAltNames: SubjectAltNames
    public var keyUsage: KeyUsage
    public var extendedKeyUsages: [ExtendedKeyUsage.Usage]
    public var notBefore: Date
    public var notAfter: Date

    public init(
        commonName: String, organizations: [String] = [], subjectAltNames: SubjectAltNames = SubjectAltNames(),
        keyUsage: KeyUsage, extendedKeyUsages: [ExtendedKeyUsage.Usage], notBefore: Date, notAfter: Date
    ) {
        self.commonName = commonName
        self.organizations = organizations
        self.subjectAltNames = subjectAltNames
        self.keyUsage = keyUsage
        self.extendedKeyUsages = extendedKeyUsages
        self.notBefore = notBefore
        self.notAfter = notAfter
    }
}

extension KeyUsage {
    /// Builds the bits a profile names; keyEncipherment is dropped for non-RSA keys when the policy says so.
    public init(_ names: [KeyUsageName], keyIsRSA: Bool, keyEnciphermentOnlyForRSA: Bool) {
        let set = Set(names)
        self.init(
            digitalSignature: set.contains(.digitalSignature),
            nonRepudiation: set.contains(.contentCommitment),
            keyEncipherment: set.contains(.keyEncipherment) && (keyIsRSA || !keyEnciphermentOnlyForRSA),
            dataEncipherment: set.contains(.dataEncipherment),
            keyAgreement: set.contains(.keyAgreement),
            keyCertSign: set.contains(.keyCertSign),
            cRLSign: set.contains(.cRLSign),
            encipherOnly: false,
            decipherOnly: false)
    }
}

extension ExtKeyUsageName {
    public var usage: ExtendedKeyUsage.Usage {
        switch self {
        case .serverAuth: return .serverAuth
        case .clientAuth: return .clientAuth
        }
    }
}

extension DistinguishedName {
    /// `O=...` (one RDN holding every organization, as Go writes it) followed by `CN=...`.
    public static func kubernetes(commonName: String, organizations: [String]) throws -> DistinguishedName {
        var rdns: [RelativeDistinguishedName] = []
        if !organizations.isEmpty {
            rdns.append(
                RelativeDistinguishedName(
                    try organizations.map {
                        try RelativeDistinguishedName.Attribute(
                            type: .RDNAttributeType.organizationName, utf8String: $0)
                    }))
        }
        rdns.append(
            RelativeDistinguishedName(
                try RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: commonName)))
        return DistinguishedName(rdns)
    }

    /// The CN and O values, however the RDNs are grouped, as Go's crypto/x509 reads them into `pkix.Name` (and so
    /// as kube-apiserver sees the user and groups): the raw strings. `String(describing:)` would give RFC 4514's
    /// escaped text, so `O=ops,dev` would read `ops\,dev` and be signed as that.
    public var kubernetesIdentity: (commonName: String, organizations: [String]) {
        var commonName = ""
        var organizations: [String] = []
        for rdn in self {
            for attribute in rdn {
                if attribute.type == .RDNAttributeType.commonName { commonName = Self.text(of: attribute.value) }
                if attribute.type == .RDNAttributeType.organizationName {
                    organizations.append(Self.text(of: attribute.value))
                }
            }
        }
        return (commonName, organizations)
    }

    /// A UTF8String, PrintableString or IA5String as it is; any other ASN.1 type (BMPString, TeletexString, which
    /// swift-certificates does not decode) in swift-certificates' textual form, as before.
    private static func text(of value: RelativeDistinguishedName.Attribute.Value) -> String {
        String(value) ?? String(describing: value)
    }
}
