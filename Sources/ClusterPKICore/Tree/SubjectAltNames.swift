import Foundation

/// DNS names and IP addresses for a certificate, de-duplicated as kubeadm does (spec 1.3).
public struct SubjectAltNames: Sendable, Hashable {
    /// Sorted ascending, no duplicates.
    public private(set) var dnsNames: [String] = []
    /// First-occurrence order, no duplicates.
    public private(set) var ipAddresses: [IPAddress] = []
    /// Warnings for entries that were neither an IP nor an RFC 1123 name.
    public private(set) var warnings: [String] = []

    public init() {}

    public init(dnsNames: [String], ipAddresses: [IPAddress]) {
        for name in dnsNames { addDNS(name) }
        for ip in ipAddresses { addIP(ip) }
    }

    public var isEmpty: Bool { dnsNames.isEmpty && ipAddresses.isEmpty }

    mutating func addDNS(_ name: String) {
        guard !dnsNames.contains(name) else { return }
        dnsNames.append(name)
        dnsNames.sort()
    }

    mutating func addIP(_ ip: IPAddress) {
        if !ipAddresses.contains(ip) { ipAddresses.append(ip) }
    }

    /// Classifies a user-supplied SAN: IP, then DNS-1123 subdomain, then wildcard; otherwise a warning.
    mutating func addUserEntry(_ value: String, certificate: String) {
        if let ip = IPAddress(value) {
            addIP(ip)
        } else if Self.isDNS1123Subdomain(value) || Self.isWildcardDNS1123Subdomain(value) {
            addDNS(value)
        } else {
            warnings.append(
                "[certificates] WARNING: '\(value)' was not added to the '\(certificate)' SAN, because it is not a valid IP or RFC-1123 compliant DNS entry"
            )
        }
    }

    /// The names kubeadm puts on the API server certificate.
    public static func apiServer(_ settings: ClusterSettings, baseName: String) throws -> SubjectAltNames {
        var sans = SubjectAltNames()
        let advertise = try settings.validatedAdvertiseAddress()
        guard let firstSubnet = settings.serviceSubnet.split(separator: ",").first else {
            throw PKIError.invalidCIDR(settings.serviceSubnet)
        }
        let vip = try CIDR(parsing: firstSubnet.trimmingCharacters(in: .whitespaces)).address(at: 1)
        for name in [
            settings.nodeName, "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc.\(settings.dnsDomain)",
        ] {
            sans.addDNS(name)
        }
        sans.addIP(vip)
        sans.addIP(advertise)
        if let endpoint = settings.controlPlaneEndpoint, !endpoint.isEmpty {
            let host = try ClusterSettings.splitHostPort(endpoint).host
            if let ip = IPAddress(host) { sans.addIP(ip) } else { sans.addDNS(host) }
        }
        for entry in settings.apiServerCertSANs { sans.addUserEntry(entry, certificate: baseName) }
        return sans
    }

    /// The names kubeadm puts on the etcd server and peer certificates.
    public static func etcd(_ settings: ClusterSettings, extra: [String], baseName: String) throws -> SubjectAltNames {
        var sans = SubjectAltNames()
        let advertise = try settings.validatedAdvertiseAddress()
        sans.addDNS(settings.nodeName)
        sans.addDNS("localhost")
        sans.addIP(advertise)
        sans.addIP(IPAddress("127.0.0.1")!)
        sans.addIP(IPAddress("::1")!)
        for entry in extra { sans.addUserEntry(entry, certificate: baseName) }
        return sans
    }

    // On UTF-8 bytes (a `Character` split and count cost ~4,000 instructions a name, three names a CSR): every
    // allowed character is one ASCII byte, so byte counts are character counts.
    static func isDNS1123Label(_ label: Substring.UTF8View) -> Bool {
        guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
        else { return false }
        return label.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }

    public static func isDNS1123Subdomain(_ value: String) -> Bool {
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy(isDNS1123Label)
    }

    public static func isWildcardDNS1123Subdomain(_ value: String) -> Bool {
        value.hasPrefix("*.") && isDNS1123Subdomain(String(value.dropFirst(2)))
    }

    /// Whether a certificate SAN list covers `name` (exact or a single-label wildcard), as Go's VerifyHostname.
    public static func covers(_ dnsNames: [String], name: String) -> Bool {
        let lowered = name.lowercased()
        return dnsNames.contains { pattern in
            let pattern = pattern.lowercased()
            if pattern == lowered { return true }
            guard pattern.hasPrefix("*."), let dot = lowered.firstIndex(of: ".") else { return false }
            return lowered[dot...] == pattern.dropFirst()
        }
    }
}
