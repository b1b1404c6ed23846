import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing
import X509

/// Serves `environment` over `tls` on a free 127.0.0.1 port while `body` runs with that port, then shuts it down.
public func withLiveServer(
    environment: ServerEnvironment, tls: ServingTLS, logger: Logger, _ body: (Int) async throws -> Void
) async throws {
    let port = NIOLockedValueBox<Int?>(nil)
    let app = try ClusterPKIServer.application(
        environment: environment, tls: tls, host: "127.0.0.1", port: 0, logger: logger,
        onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port } })
    try await serve(app, port: port, logger: logger, body)
}

/// Serves `environment`'s routes over `tls` with `intercept` in front of them: a response it returns is sent instead
/// of the route's (a stand-in for a server that refuses one request), nil passes the request on.
public func withLiveServer(
    environment: ServerEnvironment, tls: ServingTLS, logger: Logger,
    intercept: @escaping @Sendable (Request) -> Response?,
    _ body: (Int) async throws -> Void
) async throws {
    let port = NIOLockedValueBox<Int?>(nil)
    let routes = ClusterPKIServer.router(environment: environment).router.buildResponder()
    let responder = CallbackResponder<ServerContext> { request, context in
        if let response = intercept(request) { return response }
        return try await routes.respond(to: request, context: context)
    }
    let app = Application(
        responder: responder, server: try .tls(.http1(), configuration: tls.channelConfiguration),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port } }, logger: logger)
    try await serve(app, port: port, logger: logger, body)
}

/// Runs `app` until `body`, given the port the app bound, returns.
private func serve(
    _ app: some ApplicationProtocol, port: NIOLockedValueBox<Int?>, logger: Logger, _ body: (Int) async throws -> Void
) async throws {
    let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var bound: Int?
        for _ in 0..<100 {
            bound = port.withLockedValue { $0 }
            if bound != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await body(try #require(bound))
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
