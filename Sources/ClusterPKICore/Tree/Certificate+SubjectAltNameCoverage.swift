import Foundation
import X509

/// A name a certificate was configured to carry but does not (spec 1.3).
public enum UncoveredSubjectAltName: Sendable, Hashable, CustomStringConvertible {
    case dnsName(String)
    case ipAddress(IPAddress)

    /// The name itself, e.g. `kubernetes.default` or `10.96.0.1`.
    public var name: String {
        switch self {
        case .dnsName(let name): return name
        case .ipAddress(let ip): return ip.description
        }
    }

    /// The reason the certs phase gives when it refuses an existing certificate, e.g. `it is not valid for DNS name x`.
    public var description: String {
        switch self {
        case .dnsName(let name): return "it is not valid for DNS name \(name)"
        case .ipAddress(let ip): return "it is not valid for IP address \(ip)"
        }
    }
}

extension Certificate {
    /// The names of `sans` this certificate does not cover (a wildcard DNS name covers one label), in `sans` order.
    public func uncoveredSubjectAltNames(_ sans: SubjectAltNames) -> [UncoveredSubjectAltName] {
        let present = (try? extensions.subjectAlternativeNames) ?? SubjectAlternativeNames([])
        var presentDNS: [String] = [], presentIPs: [[UInt8]] = []
        for name in present {
            switch name {
            case .dnsName(let dns): presentDNS.append(dns)
            case .ipAddress(let octets): presentIPs.append(Array(octets.bytes))
            default: break
            }
        }
        return sans.dnsNames.filter { !SubjectAltNames.covers(presentDNS, name: $0) }.map(UncoveredSubjectAltName.dnsName)
            + sans.ipAddresses.filter { !presentIPs.contains($0.octets) }.map(UncoveredSubjectAltName.ipAddress)
    }
}
