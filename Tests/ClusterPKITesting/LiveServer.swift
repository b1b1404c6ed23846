import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
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
