import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import Foundation
import X509

/// What `clusterpki join` is asked to do.
public struct JoinRequest: Sendable {
    public var server: String
    public var token: String
    public var caCertHashes: [String]
    public var controlPlane = false
    public var certificateKey: String?
    public var advertiseAddress: String?
    public var nodeName: String
    public var nodeIPs: [String] = []
    public var kubernetesDir: URL
    /// Where the kubelet keeps its rotating client certificate (`<dir>/pki/kubelet-client-current.pem`).
    public var kubeletDir: URL
    public var timeout: TimeInterval = 300
    public var policy: PKIPolicy

    public init(server: String, token: String, caCertHashes: [String], nodeName: String, kubernetesDir: URL,
                kubeletDir: URL, policy: PKIPolicy) {
        self.server = server
        self.token = token
        self.caCertHashes = caCertHashes
        self.nodeName = nodeName
        self.kubernetesDir = kubernetesDir
        self.kubeletDir = kubeletDir
        self.policy = policy
    }
}

/// `clusterpki join`: token discovery, then (control plane) the shared certificates, then the kubelet's TLS bootstrap.
/// Inputs: a ``JoinRequest``. Outputs: `kubelet.conf`, the kubelet client key pair and, for a control-plane node,
/// its certificate tree and kubeconfigs. Every input is validated before the first request; nothing is written
/// unless discovery and pin checks succeeded.
public struct JoinClient: Sendable {
    public let request: JoinRequest

    public init(_ request: JoinRequest) { self.request = request }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let parts = request.token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 6, parts[1].count == 16,
            parts.joined().allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else { throw JoinError.invalidToken(request.token) }
        let pins = try request.caCertHashes.map { try DiscoveryHash(parsing: $0) }
        let certificateKey: CertificateKey? = try request.controlPlane
            ? CertificateKey(parsing: request.certificateKey ?? "") : nil
        let retry = Retry(deadline: Date() + request.timeout)

        let cluster = try await Discovery(server: request.server, tokenID: String(parts[0]), tokenSecret: String(parts[1]),
                                          pins: pins, retry: retry).run(progress: progress)
        let roots = try cluster.caCertificates.map { try NIOSSLCertificateBridge.certificate($0) }
        let client = try APIClient.make(server: request.server, trust: .pinned(roots), bearerToken: request.token)
        defer { Task { await client.shutdown() } }

        if let certificateKey {
            let context = try controlPlaneContext()
            _ = try await CertsDownload(client: client, retry: retry).run(into: context, key: certificateKey, progress: progress)
            try await CertsPhase(context: context).generate(["all"], output: progress)
            try await KubeconfigPhase(context: context).generate(["admin", "controller-manager", "scheduler"], output: progress)
        }

        let issued = try await TLSBootstrap(client: client, nodeName: request.nodeName, nodeIPs: request.nodeIPs, retry: retry)
            .run(progress: progress)
        try writeKubeletCredentials(issued, cluster: cluster)
        progress("[kubelet-start] The kubelet client certificate was issued and kubelet.conf written")
        progress("")
        progress("This node has joined the cluster:")
        progress("* Certificate signing request was sent to apiserver and a response was received.")
        if request.controlPlane { progress("* The control-plane certificates were downloaded and this node's own certificates generated.") }
    }

    /// This node's settings: its own name and address, the joined server as control-plane endpoint.
    func controlPlaneContext() throws -> TreeContext {
        var settings = ClusterSettings(kubernetesDir: request.kubernetesDir)
        settings.nodeName = request.nodeName
        if let address = request.advertiseAddress { settings.advertiseAddress = address }
        settings.controlPlaneEndpoint = request.server.replacingOccurrences(of: "https://", with: "")
        return TreeContext(policy: request.policy, settings: settings)
    }

    /// `kubelet.conf` points at the rotating PEM the kubelet owns, as kubeadm's kubelet-finalize leaves it.
    func writeKubeletCredentials(_ issued: TLSBootstrap.Result, cluster: DiscoveredCluster) throws {
        let pemPath = request.kubeletDir.appendingPathComponent("pki/kubelet-client-current.pem")
        var pem = FileTransaction()
        pem.write(issued.certificatePEM + (try issued.key.pemString()), to: "pki/kubelet-client-current.pem", mode: 0o600)
        try pem.commit(in: request.kubeletDir)
        let user = "system:node:\(request.nodeName)"
        let config = KubeConfig(clusterName: "kubernetes", server: "https://" + request.server.replacingOccurrences(of: "https://", with: ""),
                                caPEM: cluster.caPEM, userName: user,
                                user: KubeConfig.AuthInfo(clientCertificate: pemPath.path, clientKey: pemPath.path))
        var file = FileTransaction()
        file.write(try config.yaml(), to: "kubelet.conf", mode: 0o600)
        try file.commit(in: request.kubernetesDir)
    }
}
