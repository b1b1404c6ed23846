import ClusterPKICore
import X509

extension Certificate {
    /// DNS SANs in certificate order.
    public var dnsSANs: [String] {
        ((try? extensions.subjectAlternativeNames) ?? nil).map { names in
            names.compactMap {
                if case .dnsName(let dns) = $0 { return dns }; return nil
            }
        } ?? []
    }

    /// IP SANs in certificate order, as text.
    public var ipSANs: [String] {
        ((try? extensions.subjectAlternativeNames) ?? nil).map { names in
            names.compactMap { name -> String? in
                if case .ipAddress(let octets) = name { return IPAddress(octets: Array(octets.bytes))?.description }
                return nil
            }
        } ?? []
    }

    public var extKeyUsages: [ExtendedKeyUsage.Usage] {
        ((try? extensions.extendedKeyUsage) ?? nil).map { Array($0) } ?? []
    }

    public var keyUsageBits: KeyUsage? { (try? extensions.keyUsage) ?? nil }

    public var commonName: String { subject.kubernetesIdentity.commonName }
    public var organizations: [String] { subject.kubernetesIdentity.organizations }
}
