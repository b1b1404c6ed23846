import ArgumentParser
import ClusterPKICore
import ClusterPKIHealth
import ClusterPKIServer
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

    @Option(
        help:
            "The address to listen on, host:port (default: what `clusterpki init` recorded in <kubernetes-dir>/clusterpki-serve.yaml, else 127.0.0.1:9443)."
    )
    var listen: String?

    @OptionGroup var state: StateOptions

    @Option(help: "The node name on the serving certificate (default: the host name).")
    var nodeName: String?

    @Option(help: "Extra SANs for the serving certificate, comma-separated IPs and DNS names.")
    var serverCertExtraSans: String?

    @Option(
        help:
            "The URL joining nodes use, written into cluster-info (default: what `clusterpki init` recorded, else https://<listen address>)."
    )
    var advertiseUrl: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Run `clusterpki rotate` at start and then on this schedule, e.g. 12h (default: never).")
    var rotateEvery: String?

    @Option(help: "With --rotate-every: a shell command run once after a scheduled rotation renewed anything.")
    var restartHook: String?

    @Option(help: "The JSON report `clusterpki rotate --report` writes, shown on /ui/ and counted in /metrics.")
    var rotateReport = HealthCheck.defaultRotateReport.path

    func validate() throws {
        do { _ = try options() } catch let problem as ServeOptions.Problem {
            throw ValidationError(problem.description)
        }
    }

    func options() throws -> ServeOptions {
        try ServeOptions(
            logLevel: logLevel, listen: listen ?? ServeEndpoint.defaultListen, advertiseURL: advertiseUrl,
            serverCertExtraSANs: serverCertExtraSans, rotateEvery: rotateEvery, restartHook: restartHook)
    }

    func run() async throws {
        let options = try options()
        let tree = try directories.context(SettingsOverrides(nodeName: nodeName))
        let addresses = try ServeAddresses.resolve(
            listen: listen, advertiseURL: advertiseUrl, kubernetesDir: tree.settings.kubernetesDir)
        Console.line(ServeOutput.startLine(addresses))
        let store = try state.location(directories, tree.settings, policy: tree.policy)
        var launcher = ServeLauncher(
            tree: tree, listenHost: addresses.listenHost, port: addresses.port,
            storeDescription: store.storeDescription, openStore: { try await store.openState() },
            advertiseURL: addresses.advertiseURL, extraSANs: options.extraSANs, logLevel: options.logLevel,
            rotateEvery: options.rotateEvery, restartHook: options.restartHook, stateKeyFile: store.sharedStateKey,
            rotateReport: URL(fileURLWithPath: rotateReport))
        launcher.apiServerURL = addresses.apiServerURL
        try await launcher.run()
    }
}
