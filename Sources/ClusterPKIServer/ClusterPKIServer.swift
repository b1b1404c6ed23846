import ClusterPKIAPI
import ClusterPKICore
import Foundation
import Hummingbird
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
    public static func router(
        environment: ServerEnvironment, readiness: @escaping @Sendable () -> Bool = { true }
    ) -> (router: Router<ServerContext>, routes: [RouteDescription]) {
        let router = Router(context: ServerContext.self)
        router.add(middleware: EdgeMiddleware(metrics: environment.metrics, bodyLimit: environment.serverPolicy.maxRequestBodyBytes))
        var routes: [RouteDescription] = []
        func on(
            _ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
        ) {
            routes.append(RouteDescription(method: method.rawValue, path: path))
            let hummingbirdPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            router.on(RouterPath(hummingbirdPath), method: method, use: handler)
        }
        let authenticator = Authenticator(
            authorities: environment.authorities, tokens: environment.store, ledger: environment.store,
            tokenPolicy: environment.tokenAuthPolicy, peer: environment.peer, metrics: environment.metrics, now: environment.now)
        let clusterInfo = ClusterInfoPublisher(
            caPEM: { [authorities = environment.authorities] in authorities.current().bundlePEM }, server: environment.advertiseURL, tokens: environment.store, created: environment.startTime)
        let core = CoreController(environment: environment, clusterInfo: clusterInfo, readiness: readiness)
        let secrets = SecretsController(environment: environment, authenticator: authenticator, clusterInfo: clusterInfo)
        let csrs = CSRController(environment: environment, authenticator: authenticator)
        let admin = AdminController(environment: environment, authenticator: authenticator)
        let issuedCredentials = IssuedCredentialsController(environment: environment, authenticator: authenticator)

        for (path, document) in [
            ("/version", Discovery.version), ("/api", Discovery.apiVersions), ("/apis", Discovery.apiGroupList),
            ("/api/v1", Discovery.coreV1), ("/apis/certificates.k8s.io/v1", Discovery.certificatesV1),
            ("/apis/clusterpki.io/v1alpha1", Discovery.clusterPKIV1Alpha1), ("/openapi/v3", Discovery.openAPIRoot),
            ("/openapi/v3/api/v1", Discovery.openAPICoreV1), ("/openapi/v3/apis/certificates.k8s.io/v1", Discovery.openAPICertificatesV1),
            ("/openapi/v3/apis/clusterpki.io/v1alpha1", Discovery.openAPIClusterPKIV1Alpha1),
        ] {
            let response = CoreController.json(document)
            on(.get, path) { _, _ in response }
        }
        on(.get, "/healthz", core.health)
        on(.get, "/livez", core.health)
        on(.get, "/readyz", core.ready)
        on(.get, "/metrics", core.metrics)
        on(.get, "/api/v1/namespaces/{namespace}", core.namespace)
        on(.get, "/api/v1/namespaces/{namespace}/configmaps/{name}", core.configMap)
        on(.get, "/api/v1/namespaces/{namespace}/secrets", secrets.list)
        on(.post, "/api/v1/namespaces/{namespace}/secrets", secrets.create)
        on(.get, "/api/v1/namespaces/{namespace}/secrets/{name}", secrets.get)
        on(.delete, "/api/v1/namespaces/{namespace}/secrets/{name}", secrets.delete)
        on(.post, "/apis/certificates.k8s.io/v1/certificatesigningrequests", csrs.create)
        on(.get, "/apis/certificates.k8s.io/v1/certificatesigningrequests", csrs.list)
        on(.get, "/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}", csrs.get)
        on(.post, "/apis/clusterpki.io/v1alpha1/userkubeconfigs", admin.createUserKubeconfig)
        on(.post, "/apis/clusterpki.io/v1alpha1/certificateuploads", admin.createUpload)
        on(.post, "/apis/clusterpki.io/v1alpha1/issuedcredentials", issuedCredentials.create)
        return (router, routes)
    }

    /// The HTTPS application: the router behind TLS with optional client certificates, plus `services`
    /// (the serving-certificate renewer) run and stopped with it.
    public static func application(
        environment: ServerEnvironment, tls: ServingTLS, host: String, port: Int, services: [any Service] = [],
        logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let ready = NIOLockedValueBox(true)
        let (router, _) = Self.router(environment: environment, readiness: { ready.withLockedValue { $0 } })
        return Application(
            router: router,
            server: try .tls(.http1(), configuration: tls.channelConfiguration),
            configuration: .init(address: .hostname(host, port: port), serverName: nil, backlog: 1024),
            services: [ShutdownFlag(ready: ready)] + services,
            onServerRunning: onServerRunning,
            logger: logger)
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
