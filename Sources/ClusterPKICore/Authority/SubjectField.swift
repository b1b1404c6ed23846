/// Which name of a certificate a ``SubjectNameValidator`` error is about, so a caller can report it in its own
/// terms (the server as `spec.username` or `spec.groups[1]`, the CLI as `--client-name` or `--org`).
public enum SubjectField: Sendable, Hashable, CustomStringConvertible {
    /// The subject's common name (a Kubernetes user name).
    case commonName
    /// The subject's organization number `index`, from 0 (a Kubernetes group).
    case organization(index: Int)
    /// The DNS subject alternative name number `index`, from 0.
    case dnsName(index: Int)

    public var description: String {
        switch self {
        case .commonName: return "subject CN"
        case .organization(let index): return "subject O[\(index)]"
        case .dnsName(let index): return "DNS SAN[\(index)]"
        }
    }

    /// RFC 5280's name of the bound, for messages.
    var upperBound: (name: String, value: Int) {
        switch self {
        case .commonName: return ("ub-common-name", SubjectNameValidator.maxCommonNameLength)
        case .organization: return ("ub-organization-name", SubjectNameValidator.maxOrganizationLength)
        case .dnsName: return ("the DNS limit", SubjectNameValidator.maxDNSNameLength)
        }
    }
}
