import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIHealth
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
    /// Opens the state store (after the CA is loaded, so a missing CA is reported first). While it fails with
    /// ``StoreError/unavailable(endpoints:detail:)`` (etcd down or without quorum) it is tried again every few
    /// seconds; any other failure ends `serve`.
    public var openStore: @Sendable () async throws -> any StateStore
    /// The state key, sealed into uploads made through this server when the store is shared (etcd).
    public var stateKeyFile: URL?
    /// How the store is named in the start-up log line, e.g. `sqlite:/var/lib/clusterpki/state.db`.
    public var storeDescription: String
    /// `nil` means `https://<listen address>:<port>`; listening on all addresses needs one (``ServeAddresses``).
    public var advertiseURL: String?
    /// The server of minted user kubeconfigs (``ServerEnvironment/apiServerURL``).
    public var apiServerURL: String?
    public var extraSANs: [String]
    public var logLevel: Logger.Level
    /// Runs `clusterpki rotate`'s job on this schedule (`--rotate-every`); nil never does.
    public var rotateEvery: GoDuration?
    /// `--restart-hook` for the scheduled rotation.
    public var restartHook: String?
    /// The `clusterpki rotate --report` file the health model of `/metrics` and `/ui/` reads.
    public var rotateReport: URL

    public init(
        tree: TreeContext, listenHost: String, port: Int, storeDescription: String,
        openStore: @escaping @Sendable () async throws -> any StateStore, advertiseURL: String?,
        extraSANs: [String], logLevel: String, rotateEvery: GoDuration? = nil, restartHook: String? = nil,
        stateKeyFile: URL? = nil, rotateReport: URL = HealthCheck.defaultRotateReport
    ) {
        self.stateKeyFile = stateKeyFile
        self.rotateReport = rotateReport
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
            var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "clusterpki.serve")
        logger.logLevel = level
        let tree = Self.fittingConnections(in: self.tree, logger: logger)
        let authorities = try ClusterCAWatcher(tree: tree)  // fails early, naming the file, when the CA or its key is missing
        let store = try await openStoreWaiting(logger: logger)

        let advertiseURL =
            try self.advertiseURL
            ?? ServeAddresses.resolve(
                listen: ServeEndpoint.bracketed(listenHost) + ":\(port)", advertiseURL: nil, recorded: nil,
                recordPath: ""
            ).advertiseURL
        let advertisedHost = URL(string: advertiseURL)?.host
        let sans = ServingCertificate.subjectAltNames(
            listenHost: listenHost, nodeName: tree.settings.nodeName, advertiseHost: advertisedHost, extras: extraSANs)

        let serving = ServingCertificate(tree: tree, authorities: authorities, subjectAltNames: sans)
        let material = try await serving.ensure(now: Date(), logger: logger)
        let tls = try ServingTLS(material: material, authorities: authorities)
        var environment = ServerEnvironment(
            store: store, tree: tree, authorities: authorities, advertiseURL: advertiseURL)
        environment.health = .serving(tree: tree, storeDescription: storeDescription, rotateReport: rotateReport)
        environment.stateKeyFile = stateKeyFile
        environment.apiServerURL = apiServerURL
        let renewer = ServingCertificateRenewer(
            certificate: serving, tls: tls, metrics: environment.metrics, logger: logger)
        let reloader = ClusterCAReloader(authorities: authorities, serving: serving, tls: tls, logger: logger)
        var services: [any Service] = [renewer, reloader]
        if let rotateEvery {
            services.append(
                rotationService(every: rotateEvery, store: store, serving: serving, tls: tls, logger: logger))
        }
        let (host, port, db, policyName) = (listenHost, self.port, storeDescription, tree.policy.name)
        let runningLogger = logger
        let app = try ClusterPKIServer.application(
            environment: environment, tls: tls, host: host, port: port, services: services, logger: logger,
            onServerRunning: { channel in
                runningLogger.info(
                    "clusterpki serve listening",
                    metadata: [
                        "address": "\(channel.localAddress?.description ?? "\(host):\(port)")",
                        "advertise": "\(advertiseURL)",
                        "policy": "\(policyName)", "store": "\(db)", "pid": "\(getpid())",
                    ])
            })
        try await app.runService()
        logger.info("clusterpki serve stopped")
    }

    /// `tree` with `server.connections.maxConnections` lowered, if need be, so that connections cannot use the last
    /// ``DescriptorLimit/reserve`` descriptors: NIO's accept back-off does not stop a listening socket from waking
    /// its event loop while accept fails with EMFILE (about 5,000 failed accepts a second, a quarter of a core, were
    /// measured), whereas a server at its connection cap stops reading the socket and leaves clients in the backlog.
    static func fittingConnections(in tree: TreeContext, logger: Logger) -> TreeContext {
        var server = tree.policy.serverPolicy
        let requested = server.connections.maxConnections
        guard let descriptors = DescriptorLimit.raise(toFit: requested) else { return tree }
        let budget = descriptors.connectionBudget(for: requested)
        guard budget < requested else { return tree }
        logger.warning(
            "server.connections.maxConnections lowered to fit the open-file limit; raise ulimit -n (LimitNOFILE) to serve more connections at once",
            metadata: ["nofile": "\(descriptors.soft)", "maxConnections": "\(requested)", "effective": "\(budget)"])
        server.connections.maxConnections = budget
        var fitted = tree
        fitted.policy.server = server
        return fitted
    }

    /// The store, once it can be opened: a replica started while etcd has no quorum waits for it instead of exiting.
    func openStoreWaiting(logger: Logger) async throws -> any StateStore {
        while true {
            do {
                return try await openStore()
            } catch let error as StoreError {
                guard case .unavailable = error else { throw error }
                logger.warning(
                    "the state store is unavailable; retrying in 5s",
                    metadata: ["store": "\(storeDescription)", "error": "\(error)"])
                try await Task.sleep(for: .seconds(5))
            }
        }
    }

    /// The scheduled rotation; a renewed `clusterpki-server` is swapped into TLS at once.
    func rotationService(
        every interval: GoDuration, store: any StateStore, serving: ServingCertificate, tls: ServingTLS, logger: Logger
    ) -> ScheduledRenewalService {
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
