import Foundation

/// External etcd connection files (`etcd.external` in ClusterConfiguration).
public struct ExternalEtcd: Sendable, Hashable {
    public var endpoints: [String] = []
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public init() {}
}

/// The inputs of the PKI phases: what kubeadm reads from Init/ClusterConfiguration and flags.
public struct ClusterSettings: Sendable, Hashable {
    public var kubernetesDir: URL
    public var certificatesDir: URL
    public var clusterName = "kubernetes"
    public var nodeName: String
    public var advertiseAddress: String
    public var bindPort = 6443
    public var controlPlaneEndpoint: String?
    public var serviceSubnet = "10.96.0.0/12"
    public var dnsDomain = "cluster.local"
    public var apiServerCertSANs: [String] = []
    public var etcdServerCertSANs: [String] = []
    public var etcdPeerCertSANs: [String] = []
    public var externalEtcd: ExternalEtcd?
    /// The state store is etcd (`--store etcd://...`): the policy's `store: etcd` certificates are issued.
    public var stateStoreOnEtcd = false
    public var encryptionAlgorithm: KeyAlgorithm?
    public var certificateValidity: GoDuration?
    public var caCertificateValidity: GoDuration?
    /// `listen` of a `clusterpki.io/v1alpha1` ServeConfiguration in `--config` (``ServeEndpoint``).
    public var serveListen: String?
    /// `advertiseURL` of a `clusterpki.io/v1alpha1` ServeConfiguration in `--config`.
    public var serveAdvertiseURL: String?

    /// kubeadm's defaults: `/etc/kubernetes`, node name = host name, advertise address = a host address.
    public init(kubernetesDir: URL = URL(fileURLWithPath: "/etc/kubernetes"), certificatesDir: URL? = nil) {
        self.kubernetesDir = kubernetesDir
        self.certificatesDir = certificatesDir ?? kubernetesDir.appendingPathComponent("pki")
        self.nodeName = ProcessInfo.processInfo.hostName.lowercased()
        self.advertiseAddress = IPAddress.detectHostAddress()?.description ?? "127.0.0.1"
    }

    public var usesLocalEtcd: Bool { externalEtcd == nil }

    public func validatedAdvertiseAddress() throws -> IPAddress {
        guard let address = IPAddress(advertiseAddress) else {
            throw PKIError.invalidAdvertiseAddress(advertiseAddress)
        }
        return address
    }

    /// `https://host:port` of the control-plane endpoint, or of the local API endpoint when none is set.
    public func controlPlaneURL() throws -> String {
        guard let endpoint = controlPlaneEndpoint, !endpoint.isEmpty else { return try localAPIURL() }
        let (host, port) = try Self.splitHostPort(endpoint)
        let hostPart = IPAddress(host).map { $0.isIPv6 ? "[\($0)]" : $0.description } ?? host
        return "https://\(hostPart):\(port ?? bindPort)"
    }

    /// `https://advertiseAddress:bindPort`.
    public func localAPIURL() throws -> String {
        "https://" + (try validatedAdvertiseAddress()).hostPort(bindPort)
    }

    /// Splits `host[:port]`, `[v6]:port` or a bare IPv6 address.
    public static func splitHostPort(_ endpoint: String) throws -> (host: String, port: Int?) {
        if endpoint.hasPrefix("[") {
            guard let close = endpoint.firstIndex(of: "]") else { throw PKIError.invalidControlPlaneEndpoint(endpoint) }
            let host = String(endpoint[endpoint.index(after: endpoint.startIndex)..<close])
            let rest = endpoint[endpoint.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else {
                throw PKIError.invalidControlPlaneEndpoint(endpoint)
            }
            return (host, port)
        }
        if IPAddress(endpoint) != nil { return (endpoint, nil) }
        let parts = endpoint.split(separator: ":", omittingEmptySubsequences: false)
        guard !parts[0].isEmpty, parts.count <= 2 else { throw PKIError.invalidControlPlaneEndpoint(endpoint) }
        let host = String(parts[0])
        guard SubjectAltNames.isDNS1123Subdomain(host) else { throw PKIError.invalidControlPlaneEndpoint(endpoint) }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else {
                throw PKIError.invalidControlPlaneEndpoint(endpoint)
            }
            return (host, port)
        }
        return (host, nil)
    }
}
