/// The rules every certificate's names must pass before it is signed: RFC 5280's upper bounds (64 characters for
/// CN and O), non-empty printable text, DNS SANs that are DNS names, no duplicates, and for a `system:node:<name>`
/// common name a node name Kubernetes accepts (a DNS-1123 subdomain).
///
/// ``CertificateAuthority/sign(_:publicKey:)`` calls it for every certificate, whoever asked; callers that take names
/// from users (the server, the CLI) call it first to report the problem in their own terms (``SubjectField``).
public enum SubjectNameValidator {
    /// RFC 5280 `ub-common-name`.
    public static let maxCommonNameLength = 64
    /// RFC 5280 `ub-organization-name`.
    public static let maxOrganizationLength = 64
    /// RFC 1035, in its textual form.
    public static let maxDNSNameLength = 253
    public static let maxDNSLabelLength = 63

    /// Checks a request's CN, organizations and DNS SANs.
    public static func validate(_ request: IssuanceRequest) throws(PKIError) {
        try validate(
            commonName: request.commonName, organizations: request.organizations,
            dnsNames: request.subjectAltNames.dnsNames)
    }

    /// Checks a CN, its organizations and DNS SANs, in that order; the first problem is thrown.
    public static func validate(commonName: String, organizations: [String] = [], dnsNames: [String] = [])
        throws(PKIError)
    {
        try validateText(commonName, field: .commonName)
        if commonName.hasPrefix(NodeIdentity.userPrefix) {
            try validateNodeName(String(commonName.dropFirst(NodeIdentity.userPrefix.count)))
        }
        for (index, organization) in organizations.enumerated() {
            try validateText(organization, field: .organization(index: index))
            if organizations[..<index].contains(organization) {
                throw .duplicateName(field: .organization(index: index), value: organization)
            }
        }
        var seen = Set<String>()
        for (index, name) in dnsNames.enumerated() {
            let field = SubjectField.dnsName(index: index)
            if let reason = dnsNameProblem(name) {
                throw name.isEmpty
                    ? .emptyName(field: field) : .invalidDNSName(field: field, value: name, reason: reason)
            }
            // DNS names compare without regard to case (RFC 4343).
            guard seen.insert(name.lowercased()).inserted else { throw .duplicateName(field: field, value: name) }
        }
    }

    /// A node name as Kubernetes validates `Node.metadata.name`: a lowercase RFC 1123 subdomain.
    public static func validateNodeName(_ name: String) throws(PKIError) {
        guard !name.isEmpty else { throw .invalidNodeName(name, reason: "it is empty; name the node") }
        guard name.utf8.count <= maxDNSNameLength else {
            throw .invalidNodeName(name, reason: "must be no more than \(maxDNSNameLength) characters")
        }
        guard SubjectAltNames.isDNS1123Subdomain(name) else {
            throw .invalidNodeName(
                name,
                reason:
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                    + #"validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#)
        }
    }

    /// A CN or O value: not blank, printable, within its RFC 5280 bound (counted in characters, as ASN.1 counts).
    static func validateText(_ value: String, field: SubjectField) throws(PKIError) {
        guard value.unicodeScalars.contains(where: { !isWhitespace($0) }) else {
            throw .emptyName(field: field)
        }
        guard value.unicodeScalars.allSatisfy(isAllowedInName) else {
            throw .nameNotPrintable(field: field, value: value)
        }
        let length = value.unicodeScalars.count
        let limit = field.upperBound.value
        guard length <= limit else { throw .nameTooLong(field: field, value: value, length: length, limit: limit) }
    }

    /// Unicode's White_Space, with ASCII answered directly.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }

    /// No control characters (C0, DEL, C1), no line or paragraph separators and no bidirectional controls: each
    /// can break or disguise a log line or a table row when the name is printed.
    static func isAllowedInName(_ scalar: Unicode.Scalar) -> Bool {
        if let printable = scalar.asciiPrintable { return printable }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .surrogate: return false
        default: break
        }
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return false
        default: return true
        }
    }

    /// Why `name` cannot be a DNS SAN (an IA5String in preferred name syntax, with an optional `*.` wildcard
    /// label), or nil if it can.
    static func dnsNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        guard name.utf8.count <= maxDNSNameLength else {
            return "it is \(name.utf8.count) characters long, over the limit of \(maxDNSNameLength)"
        }
        guard name.unicodeScalars.allSatisfy(\.isASCII) else {
            return "it is not ASCII (write internationalized names in their xn-- form)"
        }
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels[0] == "*" { labels.removeFirst() }
        for label in labels {
            if label.isEmpty { return "it has an empty label" }
            if label.utf8.count > maxDNSLabelLength {
                return "the label \(goQuote(String(label))) is longer than \(maxDNSLabelLength) characters"
            }
            guard label.utf8.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }) else {
                return "the label \(goQuote(String(label))) has a character other than a letter, a digit or '-'"
            }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                return "the label \(goQuote(String(label))) starts or ends with '-'"
            }
        }
        return nil
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
