extension PKIError {
    /// The CSR cases; "PEM block type must be CERTIFICATE REQUEST" is the API server's own text.
    var csrMessage: String {
        switch self {
        case .csrNotPEM:
            return "PEM block type must be CERTIFICATE REQUEST: no PEM block found (one needs a -----BEGIN CERTIFICATE "
                + "REQUEST----- line, base64 lines and the matching -----END line); send the PEM text of a PKCS#10 "
                + "request, such as `openssl req -new` writes"
        case .csrWrongPEMType(let type):
            return
                "PEM block type must be CERTIFICATE REQUEST, not \(goQuote(type)); send a certificate signing request "
                + "(`openssl req -new`), not a certificate or a key"
        case .csrNotPKCS10(let detail):
            return
                "the CERTIFICATE REQUEST block does not hold a PKCS#10 request (\(detail)); create the request again, "
                + "e.g. with `openssl req -new` or Go's x509.CreateCertificateRequest"
        case .csrBadSignature:
            return "the CSR's signature does not verify with its own public key: it was altered or signed with another "
                + "key; sign it again with the private key whose public key it carries"
        case .csrKeyTooWeak(let bits, let minimum):
            return
                "the CSR's RSA key has \(bits) bits, fewer than the \(minimum) required; create a new key of at least "
                + "\(minimum) bits (`openssl req -new -newkey rsa:\(minimum)`) or an ECDSA P-256 key"
        case .csrUnsupportedKey(let kind):
            return "the CSR's public key is \(kind), which cannot be signed here; use an RSA key of at least "
                + "\(CSRDecoder.minimumRSABits) bits or an ECDSA P-256 or P-384 key"
        default:
            return message
        }
    }

    /// The subject and SAN cases: the field, the value escaped (and shortened), the bound and what to do.
    var nameMessage: String {
        switch self {
        case .emptyName(let field):
            return "\(field) is empty; give a non-empty name (RFC 5280 requires at least one character)"
        case .nameTooLong(let field, let value, let length, let limit):
            return "\(field) \(Self.shown(value)) is \(length) characters long, over the limit of \(limit) "
                + "(RFC 5280 \(field.upperBound.name)); use a shorter name"
        case .nameNotPrintable(let field, let value):
            return "\(field) \(Self.shown(value)) contains a control, line-separator or bidirectional-override "
                + "character; use printable text only"
        case .duplicateName(let field, let value):
            return "\(field) \(Self.shown(value)) is given twice; give each value once"
        case .invalidDNSName(let field, let value, let reason):
            return "\(field) \(Self.shown(value)) is not a valid DNS name: \(reason); use letters, digits and '-' in "
                + "dot-separated labels of 1 to 63 characters (an optional leading '*.' for a wildcard)"
        case .invalidNodeName(let name, let reason):
            return "node name \(Self.shown(name)) in the common name system:node:<name> is invalid: \(reason)"
        default:
            return message
        }
    }

    /// A value as a message shows it: quoted like Go's `%q`, and cut after 64 characters, since a request may
    /// carry a megabyte.
    static func shown(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard scalars.count > 64 else { return goQuote(value) }
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: scalars.prefix(64))
        return goQuote(String(prefix)) + "…"
    }
}
