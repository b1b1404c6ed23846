import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation
import Logging
import ServiceLifecycle

/// `clusterpki serve` as a library call: opens the store, ensures the serving certificate, runs until SIGTERM/SIGINT.
public struct ServeLauncher: Sendable {
    public var tree: TreeContext
    public var listenHost: String
    public var port: Int
    /// Opens the state store (after the CA is loaded, so a missing CA is reported first).
    public var openStore: @Sendable () throws -> any StateStore
    /// How the store is named in the start-up log line, e.g. `sqlite:/var/lib/clusterpki/state.db`.
    public var storeDescription: String
    /// `nil` means `https://<listen address>:<port>` (the host address when listening on all addresses).
    public var advertiseURL: String?
    public var extraSANs: [String]
    public var logLevel: Logger.Level
    /// Runs `clusterpki rotate`'s job on this schedule (`--rotate-every`); nil never does.
    public var rotateEvery: GoDuration?
    /// `--restart-hook` for the scheduled rotation.
    public var restartHook: String?

    public init(
        tree: TreeContext, listenHost: String, port: Int, storeDescription: String,
        openStore: @escaping @Sendable () throws -> any StateStore, advertiseURL: String?,
        extraSANs: [String], logLevel: String, rotateEvery: GoDuration? = nil, restartHook: String? = nil
    ) {
        self.rotateEvery = rotateEvery
        self.restartHook = restartHook
        self.tree = tree
        self.listenHost = listenHost
        self.port = port
        self.storeDescription = storeDescription
        self.openStore = openStore
        self.advertiseURL = advertiseURL
        self.extraSANs = extraSANs
        self.logLevel = Logger.Level(rawValue: logLevel) ?? .info
    }

    /// Bootstraps swift-log (structured `key=value` metadata on stderr) and serves.
    public func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "clusterpki.serve")
        logger.logLevel = level
        let authorities = try ClusterCAWatcher(tree: tree)  // fails early, naming the file, when the CA or its key is missing
        let store = try openStore()

        let advertiseHost: String
        if let ip = IPAddress(listenHost), ip.octets.allSatisfy({ $0 == 0 }) {
            advertiseHost = (IPAddress.detectHostAddress() ?? IPAddress("127.0.0.1")!).description
        } else {
            advertiseHost = listenHost
        }
        let hostPart = IPAddress(advertiseHost).map { $0.isIPv6 ? "[\($0)]" : $0.description } ?? advertiseHost
        let advertiseURL = self.advertiseURL ?? "https://\(hostPart):\(port)"
        let advertisedHost = URL(string: advertiseURL)?.host
        let sans = ServingCertificate.subjectAltNames(
            listenHost: listenHost, nodeName: tree.settings.nodeName, advertiseHost: advertisedHost, extras: extraSANs)

        let serving = ServingCertificate(tree: tree, authorities: authorities, subjectAltNames: sans)
        let material = try await serving.ensure(now: Date(), logger: logger)
        let tls = try ServingTLS(material: material, authorities: authorities)
        let environment = ServerEnvironment(store: store, tree: tree, authorities: authorities, advertiseURL: advertiseURL)
        let renewer = ServingCertificateRenewer(certificate: serving, tls: tls, metrics: environment.metrics, logger: logger)
        let reloader = ClusterCAReloader(authorities: authorities, serving: serving, tls: tls, logger: logger)
        var services: [any Service] = [renewer, reloader, AuditMaintenance(environment: environment, logger: logger)]
        if let rotateEvery {
            services.append(rotationService(every: rotateEvery, store: store, serving: serving, tls: tls, logger: logger))
        }
        let (host, port, db, policyName) = (listenHost, self.port, storeDescription, tree.policy.name)
        let runningLogger = logger
        let app = try ClusterPKIServer.application(
            environment: environment, tls: tls, host: host, port: port, services: services, logger: logger,
            onServerRunning: { channel in
                runningLogger.info(
                    "clusterpki serve listening",
                    metadata: [
                        "address": "\(channel.localAddress?.description ?? "\(host):\(port)")", "advertise": "\(advertiseURL)",
                        "policy": "\(policyName)", "store": "\(db)", "pid": "\(getpid())",
                    ])
            })
        try await app.runService()
        logger.info("clusterpki serve stopped")
    }

    /// The scheduled rotation; a renewed `clusterpki-server` is swapped into TLS at once.
    func rotationService(every interval: GoDuration, store: any StateStore, serving: ServingCertificate, tls: ServingTLS, logger: Logger) -> ScheduledRenewalService {
        let (tree, hook) = (self.tree, restartHook)
        return ScheduledRenewalService(
            interval: .seconds(interval.seconds), logger: logger,
            job: { now in
                var context = tree
                context.now = now
                return ScheduledRenewal(context: context, store: store, actor: "clusterpki-serve", restartHook: hook)
            },
            completed: { report in
                guard report.renewed.contains(where: { $0.name == ServingCertificate.baseName }) else { return }
                do {
                    try tls.update(try await serving.ensure(now: Date(), logger: logger))
                } catch {
                    logger.error("cannot load the renewed serving certificate", metadata: ["error": "\(error)"])
                }
            })
    }
}
