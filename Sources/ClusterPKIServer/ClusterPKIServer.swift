import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import ServiceLifecycle

/// One route as `openapi.yaml` names it (`{name}` placeholders).
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String
    public var description: String { "\(method) \(path)" }
}

/// Builds the router and the HTTPS application of `clusterpki serve`.
public enum ClusterPKIServer {
    /// The router with every route; the returned list is what `openapi.yaml` must describe.
    ///
    /// Routes that need no identity (version, discovery, OpenAPI, health, metrics, namespaces, cluster-info) sit on the
    /// router itself; the others in a group behind ``AuthenticationMiddleware``, whose handlers get an
    /// ``AuthenticatedContext`` and decide authorization themselves.
    /// `clusterInfo` is the publisher to serve cluster-info from (one of its own when nil); ``application(environment:tls:host:port:services:logger:onServerRunning:)``
    /// passes the one its ``ClusterInfoRefresher`` keeps fresh.
    public static func router(
        environment: ServerEnvironment, readiness: @escaping @Sendable () -> Bool = { true },
        clusterInfo: ClusterInfoPublisher? = nil, auditWriteBehind: AuditWriteBehind? = nil
    ) -> (router: Router<ServerContext>, routes: [RouteDescription]) {
        let router = Router(context: ServerContext.self)
        let authenticator = Authenticator(
            authorities: environment.authorities, tokens: environment.store, ledger: environment.store,
            audit: environment.store, writeBehind: auditWriteBehind, throttle: environment.authThrottle,
            peer: environment.peer, metrics: environment.metrics,
            now: environment.now)
        let authenticated = router.group()
            .add(middleware: AuthenticationMiddleware(authenticator: authenticator))
            .group(context: AuthenticatedContext.self)
        // A route whose handler records a read-only token check's success audit in its own transaction.
        let authenticatedAuditInTransaction = router.group()
            .add(
                middleware: AuthenticationMiddleware(authenticator: authenticator, successAudit: .inHandlerTransaction)
            )
            .group(context: AuthenticatedContext.self)

        // Routes are declared first and registered after the edge middleware, which needs the whole table (405s).
        var routes: [RouteDescription] = []
        var registrations: [() -> Void] = []
        func on<Context: RequestContext>(
            _ group: some RouterMethods<Context>, _ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, Context) async throws -> Response
        ) {
            routes.append(RouteDescription(method: method.rawValue, path: path))
            let hummingbirdPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            registrations.append { group.on(RouterPath(hummingbirdPath), method: method, use: handler) }
        }
        let clusterInfo = clusterInfo ?? ClusterInfoPublisher(environment: environment)
        let core = CoreController(
            environment: environment, clusterInfo: clusterInfo, readiness: readiness,
            writes: WriteReadiness(store: environment.store))
        let secrets = SecretsController(environment: environment, clusterInfo: clusterInfo)
        let csrs = CSRController(environment: environment, issuer: CSRIssuer(environment: environment))
        let admin = AdminController(environment: environment)
        let issuedCredentials = IssuedCredentialsController(environment: environment)
        let statusPage = StatusPageController(environment: environment)

        for (path, document) in [
            ("/version", Discovery.version), ("/api", Discovery.apiVersions), ("/apis", Discovery.apiGroupList),
            ("/api/v1", Discovery.coreV1), ("/apis/certificates.k8s.io/v1", Discovery.certificatesV1),
            ("/apis/clusterpki.io/v1alpha1", Discovery.clusterPKIV1Alpha1), ("/openapi/v3", Discovery.openAPIRoot),
            ("/openapi/v3/api/v1", Discovery.openAPICoreV1),
            ("/openapi/v3/apis/certificates.k8s.io/v1", Discovery.openAPICertificatesV1),
            ("/openapi/v3/apis/clusterpki.io/v1alpha1", Discovery.openAPIClusterPKIV1Alpha1),
        ] {
            let response = CoreController.json(document)
            on(router, .get, path) { _, _ in response }
        }
        on(router, .get, "/healthz", core.health)
        on(router, .get, "/livez", core.health)
        on(router, .get, "/readyz", core.ready)
        on(router, .get, "/metrics", core.metrics)
        on(router, .get, "/api/v1/namespaces/{namespace}", core.namespace)
        on(router, .get, "/api/v1/namespaces/{namespace}/configmaps/{name}", core.configMap)
        on(authenticated, .get, "/api/v1/namespaces/{namespace}/secrets", secrets.list)
        on(authenticated, .post, "/api/v1/namespaces/{namespace}/secrets", secrets.create)
        on(authenticated, .get, "/api/v1/namespaces/{namespace}/secrets/{name}", secrets.get)
        on(authenticated, .delete, "/api/v1/namespaces/{namespace}/secrets/{name}", secrets.delete)
        on(
            authenticatedAuditInTransaction, .post, "/apis/certificates.k8s.io/v1/certificatesigningrequests",
            csrs.create)
        on(authenticated, .get, "/apis/certificates.k8s.io/v1/certificatesigningrequests", csrs.list)
        on(authenticated, .get, "/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}", csrs.get)
        on(authenticated, .delete, "/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}", csrs.delete)
        on(
            authenticated, .put, "/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}/approval",
            csrs.approval)
        on(authenticated, .post, "/apis/clusterpki.io/v1alpha1/userkubeconfigs", admin.createUserKubeconfig)
        on(authenticated, .post, "/apis/clusterpki.io/v1alpha1/certificateuploads", admin.createUpload)
        on(authenticated, .post, "/apis/clusterpki.io/v1alpha1/issuedcredentials", issuedCredentials.create)
        on(authenticated, .get, "/ui/", statusPage.page)
        on(router, .get, "/ui/style.css", statusPage.style)
        router.add(
            middleware: EdgeMiddleware(
                metrics: environment.metrics, bodyLimit: environment.serverPolicy.maxRequestBodyBytes,
                routes: RouteTable(routes)))
        for register in registrations { register() }
        return (router, routes)
    }

    /// The HTTPS application: the router behind TLS with optional client certificates and the connection limits of
    /// `server.connections`, plus `services` (the serving-certificate renewer) run and stopped with it, the periodic
    /// token sweep, CSR cleaner and audit maintenance, and, on a store that several replicas share, the
    /// ``ClusterInfoRefresher`` and the token read cache.
    public static func application(
        environment: ServerEnvironment, tls: ServingTLS, host: String, port: Int, services: [any Service] = [],
        logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let ready = NIOLockedValueBox(true)
        let clusterInfo = ClusterInfoPublisher(environment: environment)
        let auditWriteBehind = AuditWriteBehind(store: environment.store, logger: logger)
        let (router, _) = Self.router(
            environment: environment, readiness: { ready.withLockedValue { $0 } }, clusterInfo: clusterInfo,
            auditWriteBehind: auditWriteBehind)
        var housekeeping: [any Service] = [
            auditWriteBehind,
            TokenSweepService(store: environment.store, logger: logger, now: environment.now),
            CSRCleaner(environment: environment, logger: logger),
            AuditMaintenance(environment: environment, logger: logger),
        ]
        if let feed = environment.store as? any TokenChangeFeed {
            housekeeping.append(ClusterInfoRefresher(feed: feed, publisher: clusterInfo, logger: logger))
        }
        if let cache = environment.store as? any TokenReadCaching {
            housekeeping.append(TokenReadCacheService(store: cache))
        }
        let limits = environment.serverPolicy.connections
        return Application(
            router: router,
            server: .guardedHTTPS(tls: tls.channelConfiguration, limits: limits),
            configuration: serverConfiguration(host: host, port: port, limits: limits, logger: logger),
            services: [ShutdownFlag(ready: ready)] + housekeeping + services,
            onServerRunning: onServerRunning,
            logger: logger)
    }

    /// Where to listen, and at most `limits.maxConnections` connections at once: beyond that the server stops
    /// accepting and new connections wait in the kernel's listen backlog until one closes.
    static func serverConfiguration(
        host: String, port: Int, limits: ServerPolicy.ConnectionPolicy, logger: Logger
    ) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(host, port: port), serverName: nil, backlog: 1024,
            availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger))
    }
}

/// Turns `/readyz` to 503 as soon as a graceful shutdown starts.
struct ShutdownFlag: Service {
    let ready: NIOLockedValueBox<Bool>

    func run() async throws {
        try? await gracefulShutdown()
        ready.withLockedValue { $0 = false }
    }
}
