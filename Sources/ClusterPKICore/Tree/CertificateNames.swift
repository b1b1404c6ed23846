import X509

/// The subject alternative names a certificate or a CSR carries, in their order: one home for reading them.
public struct CertificateNames: Sendable, Hashable {
    public var dnsNames: [String] = []
    public var ipAddresses: [IPAddress] = []
    /// Email, URI, other kinds, and IP entries that are not 4 or 16 octets, written for messages.
    public var otherNames: [String] = []

    public init() {}

    /// The names of an extension (nil: none).
    public init(_ names: SubjectAlternativeNames?) {
        for name in names ?? SubjectAlternativeNames([]) {
            switch name {
            case .dnsName(let dns): dnsNames.append(dns)
            case .ipAddress(let octets):
                if let ip = IPAddress(octets: Array(octets.bytes)) {
                    ipAddresses.append(ip)
                } else {
                    otherNames.append("IP:\(octets.bytes.count) bytes")
                }
            case .rfc822Name(let email): otherNames.append("email:\(email)")
            case .uniformResourceIdentifier(let uri): otherNames.append("URI:\(uri)")
            default: otherNames.append("\(name)")
            }
        }
    }

    /// The names of a certificate's subjectAltName extension.
    public init(of certificate: Certificate) throws {
        self.init(try certificate.extensions.subjectAlternativeNames)
    }

    /// The names a CSR asks for in its extension request.
    public init(requestedBy csr: CertificateSigningRequest) throws {
        self.init(try csr.attributes.extensionRequest?.extensions.subjectAlternativeNames)
    }

    public var isEmpty: Bool { dnsNames.isEmpty && ipAddresses.isEmpty && otherNames.isEmpty }

    /// The first required DNS name these names do not cover (wildcards as Go's VerifyHostname), else the first
    /// required IP address they do not hold; nil when every one is covered.
    public func firstMissing(of required: SubjectAltNames) -> String? { missing(of: required).first }

    /// Every required name these names do not cover, DNS names first: `DNS name x`, `IP address y`.
    public func missing(of required: SubjectAltNames) -> [String] {
        required.dnsNames.filter { !SubjectAltNames.covers(dnsNames, name: $0) }.map { "DNS name \($0)" }
            + required.ipAddresses.filter { !ipAddresses.contains($0) }.map { "IP address \($0)" }
    }
}
