import ArgumentParser
import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import Foundation

/// `clusterpki serve`: the Kubernetes-shaped HTTPS join endpoint.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve cluster-info, kubeadm-certs, CertificateSigningRequests and bootstrap tokens over HTTPS",
        discussion: """
            Runs until SIGTERM or SIGINT, then stops accepting connections and finishes the requests in flight.
            The serving certificate pki/clusterpki-server.{crt,key} is issued by the cluster CA when missing,
            and reissued before it expires. The routes are described in openapi.yaml.
            """)

    @OptionGroup var directories: DirectoryOptions

    @Option(help: "The address to listen on, host:port.")
    var listen = "127.0.0.1:9443"

    @OptionGroup var state: StateOptions

    @Option(help: "The node name on the serving certificate (default: the host name).")
    var nodeName: String?

    @Option(help: "Extra SANs for the serving certificate, comma-separated IPs and DNS names.")
    var serverCertExtraSans: String?

    @Option(help: "The URL joining nodes use, written into cluster-info (default: https://<listen address>).")
    var advertiseUrl: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Run `clusterpki rotate` at start and then on this schedule, e.g. 12h (default: never).")
    var rotateEvery: String?

    @Option(help: "With --rotate-every: a shell command run once after a scheduled rotation renewed anything.")
    var restartHook: String?

    func validate() throws {
        guard ServeLauncher.logLevels.contains(logLevel) else {
            throw ValidationError("--log-level must be one of \(ServeLauncher.logLevels.joined(separator: ", "))")
        }
        guard let (_, port) = try? ClusterSettings.splitHostPort(listen), port != nil else {
            throw ValidationError("--listen \(listen) is not host:port, e.g. 127.0.0.1:9443")
        }
        if let advertiseUrl, !advertiseUrl.hasPrefix("https://") { throw ValidationError("--advertise-url must start with https://") }
        if let rotateEvery {
            guard let interval = try? GoDuration(parsing: rotateEvery, field: "--rotate-every"), interval.seconds >= 60 else {
                throw ValidationError("--rotate-every \(rotateEvery) is not a duration of at least 1m; use e.g. 12h")
            }
        }
        if restartHook != nil && rotateEvery == nil { throw ValidationError("--restart-hook needs --rotate-every") }
    }

    func run() async throws {
        let (host, port) = try ClusterSettings.splitHostPort(listen)
        var flags = SettingsOverrides()
        flags.nodeName = nodeName
        let tree = try directories.context(flags)
        let state = self.state, kubernetesDir = URL(fileURLWithPath: directories.kubernetesDir)
        let extras = (serverCertExtraSans ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        try await ServeLauncher(
            tree: tree, listenHost: host, port: port ?? 9443, storeDescription: "sqlite:\(state.db)",
            openStore: { try state.openStore(kubernetesDir: kubernetesDir) },
            advertiseURL: advertiseUrl, extraSANs: extras, logLevel: logLevel,
            rotateEvery: try rotateEvery.map { try GoDuration(parsing: $0, field: "--rotate-every") }, restartHook: restartHook
        ).run()
    }
}
