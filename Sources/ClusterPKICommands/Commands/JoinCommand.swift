import ArgumentParser
import ClusterPKICore
import ClusterPKIJoin
import Foundation

struct JoinNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract:
            "Join this node: token discovery, then (control plane) the shared certificates, then the kubelet's TLS bootstrap."
    )

    @Argument(help: "The API server endpoint, host:port; several (or a comma-separated list) are tried in turn.")
    var server: [String]

    @Option(help: "The bootstrap token, <id>.<secret>.")
    var token: String

    @Option(
        name: .customLong("discovery-token-ca-cert-hash"),
        help: "sha256:<hex> of the cluster CA's public key (repeatable).")
    var discoveryTokenCaCertHash: [String] = []

    @Flag(help: "Join as a control-plane node (downloads the shared certificates).")
    var controlPlane = false

    @Option(help: "The key printed by upload-certs (with --control-plane).")
    var certificateKey: String?

    @Option(help: "This control-plane node's advertise address.")
    var apiserverAdvertiseAddress: String?

    @Option(help: "The node name (default: the host name).")
    var nodeName: String?

    @Option(help: "An address of this node, recorded for its kubelet-serving certificate (repeatable).")
    var nodeIp: [String] = []

    @Option(help: "The Kubernetes configuration directory.")
    var kubernetesDir = "/etc/kubernetes"

    @Option(help: "The kubelet's directory (its client certificate goes to DIR/pki/kubelet-client-current.pem).")
    var kubeletDir = "/var/lib/kubelet"

    @Option(help: "How long to keep retrying, as a Go duration.")
    var timeout = "5m"

    @Option(help: "A policy file or name (kubeadm, hardened).")
    var policy: String?

    @Flag(help: "No progress counter (it is shown only when standard error is a terminal).")
    var quiet = false

    func validate() throws {
        if let problem = try request().flagProblem { throw ValidationError(problem) }
    }

    /// The join these flags ask for.
    func request() throws -> JoinRequest {
        var overrides = SettingsOverrides()
        overrides.nodeName = nodeName
        overrides.advertiseAddress = apiserverAdvertiseAddress
        var request = JoinRequest(
            server: server.joined(separator: ","), token: token, caCertHashes: discoveryTokenCaCertHash,
            kubernetesDir: URL(fileURLWithPath: kubernetesDir),
            kubeletDir: URL(fileURLWithPath: kubeletDir), policy: policy, overrides: overrides)
        request.controlPlane = controlPlane
        request.certificateKey = certificateKey
        request.nodeIPs = nodeIp
        request.timeout = try GoDuration(parsing: timeout, field: "--timeout").seconds
        request.stateKeyFile = StateStoreLocation.keyURL(in: URL(fileURLWithPath: kubernetesDir))
        return request
    }

    func run() async throws {
        let display = ProgressDisplay(quiet: quiet)
        defer { display.clear() }
        try await JoinClient(request()).run(progress: { display.line($0) }, steps: display.sink)
    }
}
