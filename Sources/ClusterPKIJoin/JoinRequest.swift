import ClusterPKICore
import Foundation

/// What `clusterpki join` is asked to do, as the command line says it; ``JoinClient`` layers the settings.
public struct JoinRequest: Sendable {
    /// The API server endpoint, `host:port` (an `https://` prefix is accepted); several, separated by commas, are
    /// tried in turn (the control-plane replicas behind a load balancer).
    public var server: String
    public var token: String
    public var caCertHashes: [String]
    public var controlPlane = false
    public var certificateKey: String?
    /// Addresses recorded for the node's kubelet-serving certificate.
    public var nodeIPs: [String] = []
    public var kubernetesDir: URL
    /// Where the kubelet keeps its rotating client certificate (`<dir>/pki/kubelet-client-current.pem`).
    public var kubeletDir: URL
    public var timeout: TimeInterval = 300
    /// Where a state key carried by `kubeadm-certs` is written (a cluster whose nodes share an etcd store), 0600.
    public var stateKeyFile: URL?
    /// `--policy`: a policy file or name, found by ``PolicyLocator``; nil is the kubeadm policy.
    public var policy: String?
    /// The flags on top of kubeadm's defaults: node name (default: the host name) and advertise address. The
    /// control-plane endpoint of a control-plane node is always the joined server.
    public var overrides: SettingsOverrides

    public init(
        server: String, token: String, caCertHashes: [String], kubernetesDir: URL, kubeletDir: URL,
        policy: String? = nil,
        overrides: SettingsOverrides = SettingsOverrides()
    ) {
        self.server = server
        self.token = token
        self.caCertHashes = caCertHashes
        self.kubernetesDir = kubernetesDir
        self.kubeletDir = kubeletDir
        self.policy = policy
        self.overrides = overrides
    }

    /// `host:port` of the (first) server, without a scheme.
    var serverHostPort: String {
        let first = APIClient.servers(server)[0]
        return first.hasPrefix("https://") ? String(first.dropFirst("https://".count)) : first
    }
}
