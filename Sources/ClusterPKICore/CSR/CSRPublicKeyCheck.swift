import SwiftASN1

/// The kind and size of a CSR's public key, read from the DER before X509 parses it: swift-certificates refuses
/// RSA keys under 2048 bits and unknown algorithms while parsing, which would hide why a request is refused.
enum CSRPublicKeyCheck {
    private static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    private static let supportedCurves: Set<ASN1ObjectIdentifier> = [
        ASN1ObjectIdentifier.NamedCurves.secp256r1, ASN1ObjectIdentifier.NamedCurves.secp384r1,
        ASN1ObjectIdentifier.NamedCurves.secp521r1,
    ]
    private static let knownAlgorithms: [ASN1ObjectIdentifier: String] = [
        [1, 2, 840, 10040, 4, 1]: "DSA", [1, 3, 101, 110]: "X25519", [1, 3, 101, 111]: "X448",
        [1, 3, 101, 113]: "Ed448",
    ]

    /// Why the CSR's key cannot be signed, or nil when it can, or when `csr` (the parsed DER) is not a CSR at all
    /// (X509's parser reports that).
    static func problem(csr root: ASN1Node) -> PKIError? {
        guard let info = children(root)?.first,
            let infoFields = children(info), infoFields.count >= 3,  // version, subject, subjectPKInfo, attributes
            let keyInfo = children(infoFields[2]), keyInfo.count == 2,
            let algorithm = children(keyInfo[0]), let oidNode = algorithm.first,
            let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode)
        else { return nil }
        switch oid {
        case .AlgorithmIdentifier.rsaEncryption, .AlgorithmIdentifier.rsaPSS:
            guard let bits = rsaModulusBits(keyInfo[1]) else { return nil }
            return bits < CSRDecoder.minimumRSABits
                ? .csrKeyTooWeak(bits: bits, minimum: CSRDecoder.minimumRSABits) : nil
        case .AlgorithmIdentifier.idEcPublicKey:
            guard algorithm.count == 2, let curve = try? ASN1ObjectIdentifier(derEncoded: algorithm[1]) else {
                return .csrUnsupportedKey("ECDSA without a named curve")
            }
            return supportedCurves.contains(curve) ? nil : .csrUnsupportedKey("ECDSA on the curve \(curve)")
        case ed25519:
            return nil
        default:
            return .csrUnsupportedKey(knownAlgorithms[oid] ?? "of an unknown algorithm (OID \(oid))")
        }
    }

    /// The bit length of the modulus in an RSAPublicKey BIT STRING.
    private static func rsaModulusBits(_ node: ASN1Node) -> Int? {
        guard let bitString = try? ASN1BitString(derEncoded: node),
            let key = try? DER.parse(Array(bitString.bytes)), let integers = children(key), integers.count == 2,
            case .primitive(let modulus) = integers[0].content
        else { return nil }
        let significant = modulus.drop(while: { $0 == 0 })
        guard let first = significant.first else { return 0 }
        return significant.count * 8 - first.leadingZeroBitCount
    }

    private static func children(_ node: ASN1Node) -> [ASN1Node]? {
        guard case .constructed(let nodes) = node.content else { return nil }
        return Array(nodes)
    }
}
