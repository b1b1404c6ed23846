import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import Foundation
import X509

/// `clusterpki join`: token discovery, then (control plane) the shared certificates, then the kubelet's TLS bootstrap.
/// Inputs: a ``JoinRequest``. Outputs: `kubelet.conf`, the kubelet client key pair and, for a control-plane node,
/// its certificate tree and kubeconfigs (each client certificate recorded in the server's ledger before its file is
/// written). Every input is validated before the first request; nothing is written unless discovery and pin checks
/// succeeded.
public struct JoinClient: Sendable {
    public let request: JoinRequest

    public init(_ request: JoinRequest) { self.request = request }

    /// Runs the join; `progress` gets kubeadm's phase lines, `steps` the step under way (`[join] 2/4 …`) for a
    /// terminal's progress counter.
    public func run(
        progress: @escaping @Sendable (String) -> Void = { _ in },
        steps: @escaping WorkProgress.Sink = WorkProgress.ignore
    ) async throws {
        guard let token = try? BootstrapTokenString(parsing: request.token) else {
            throw JoinError.invalidToken(request.token)
        }
        let pins = try request.caCertHashes.map { try DiscoveryHash(parsing: $0) }
        let certificateKey: CertificateKey? =
            try request.controlPlane
            ? CertificateKey(parsing: request.certificateKey ?? "") : nil
        let context = try treeContext()
        let retry = Retry(deadline: Date() + request.timeout)
        // Every request of this join starts with the server that answered last (several servers: failover).
        let failover = ServerFailover()
        let total = certificateKey == nil ? 2 : 4
        func step(_ done: Int, _ item: String) {
            steps(WorkProgress(phase: "join", done: done, total: total, item: item))
        }

        step(0, "discovery: reading and verifying cluster-info")
        let cluster = try await Discovery(
            server: request.server, tokenID: token.id, tokenSecret: token.secret, pins: pins, retry: retry,
            failover: failover
        )
        .run(progress: progress)
        let roots = try cluster.caCertificates.map { try NIOSSLCertificateBridge.certificate($0) }
        let client = try APIClient.make(
            server: request.server, trust: .pinned(roots), bearerToken: request.token, failover: failover)
        defer { Task { await client.shutdown() } }

        if let certificateKey {
            step(1, "downloading the shared control-plane certificates")
            let written = try await CertsDownload(client: client, retry: retry, stateKeyFile: request.stateKeyFile).run(
                into: context, key: certificateKey, progress: progress)
            // The state key comes only from a cluster whose nodes share an etcd store: this node needs its own
            // client of that store (clusterpki-etcd-client) as well.
            var context = context
            if let stateKey = request.stateKeyFile, written.contains(stateKey.path) {
                context.settings.stateStoreOnEtcd = true
            }
            step(2, "generating this node's certificates and kubeconfigs")
            try await CertsPhase(context: context).generate(["all"], output: progress)
            let recorder = EndpointCredentialRecorder(client: client, retry: retry, progress: progress)
            try await KubeconfigPhase(context: context)
                .generate(["admin", "controller-manager", "scheduler"], recorder: { recorder }, output: progress)
        }

        let nodeName = context.settings.nodeName
        step(total - 1, "kubelet TLS bootstrap: waiting for the client certificate")
        let issued = try await TLSBootstrap(client: client, nodeName: nodeName, nodeIPs: request.nodeIPs, retry: retry)
            .run(progress: progress)
        try writeKubeletCredentials(issued, cluster: cluster, nodeName: nodeName)
        step(total, "done")
        progress("[kubelet-start] The kubelet client certificate was issued and kubelet.conf written")
        progress("")
        progress("This node has joined the cluster:")
        progress("* Certificate signing request was sent to apiserver and a response was received.")
        if request.controlPlane {
            progress("* The control-plane certificates were downloaded and this node's own certificates generated.")
        }
    }

    /// The policy and this node's settings, layered as every command does: kubeadm's defaults, then the flags; a
    /// control-plane node's endpoint is the joined server.
    func treeContext() throws -> TreeContext {
        var overrides = request.overrides
        if request.controlPlane { overrides.controlPlaneEndpoint = request.serverHostPort }
        return try TreeContext.layered(
            policy: request.policy, kubernetesDir: request.kubernetesDir, overrides: overrides)
    }

    /// `kubelet.conf` points at the rotating PEM the kubelet owns, as kubeadm's kubelet-finalize leaves it.
    func writeKubeletCredentials(_ issued: TLSBootstrap.Result, cluster: DiscoveredCluster, nodeName: String) throws {
        let pemPath = request.kubeletDir.appendingPathComponent("pki/kubelet-client-current.pem")
        var pem = FileTransaction()
        pem.write(
            issued.certificatePEM + (try issued.key.pemString()), to: "pki/kubelet-client-current.pem", mode: 0o600)
        try pem.commit(in: request.kubeletDir)
        let user = NodeIdentity.userName(nodeName)
        let config = KubeConfig(
            clusterName: "kubernetes", server: "https://" + request.serverHostPort,
            caPEM: cluster.caPEM, userName: user,
            user: KubeConfig.AuthInfo(clientCertificate: pemPath.path, clientKey: pemPath.path))
        var file = FileTransaction()
        file.write(try config.yaml(), to: "kubelet.conf", mode: 0o600)
        try file.commit(in: request.kubernetesDir)
    }
}
