import ClusterPKIAPI
import ClusterPKICore
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Follows a CA rotation in the running server: when `ca.crt`/`ca.key` or the serving certificate's files change,
/// the serving certificate is loaded again (reissued by the signing CA if the one on disk is not) and swapped into
/// TLS. Client-certificate trust, cluster-info and the signers read the ``ClusterCAWatcher`` themselves.
public struct ClusterCAReloader: Service {
    let authorities: ClusterCAWatcher
    let serving: ServingCertificate
    let tls: ServingTLS
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date
    /// The CA generation and serving-certificate file the last check saw.
    private let seen: NIOLockedValueBox<(generation: Int, serving: ClusterCAWatcher.Fingerprint?)>

    public init(
        authorities: ClusterCAWatcher, serving: ServingCertificate, tls: ServingTLS, interval: Duration = .seconds(1),
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.authorities = authorities
        self.serving = serving
        self.tls = tls
        self.interval = interval
        self.logger = logger
        self.now = now
        self.seen = NIOLockedValueBox(
            (
                authorities.current().generation,
                ClusterCAWatcher.fingerprint(serving.tree.directory.url(ServingCertificate.baseName, "crt"))
            ))
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            await check()
        }
    }

    /// One check; returns whether the serving certificate was swapped.
    @discardableResult
    public func check() async -> Bool {
        let snapshot = authorities.current()
        let servingFile = ClusterCAWatcher.fingerprint(serving.tree.directory.url(ServingCertificate.baseName, "crt"))
        let last = seen.withLockedValue { $0 }
        guard snapshot.generation != last.generation || servingFile != last.serving else { return false }
        if snapshot.generation != last.generation {
            logger.notice(
                "the cluster CA changed on disk; serving with it",
                metadata: ["bundle": "\(snapshot.bundle.count)", "generation": "\(snapshot.generation)"])
        }
        do {
            let swapped = try await tls.refresh(from: serving, now: now(), logger: logger)
            let written = ClusterCAWatcher.fingerprint(serving.tree.directory.url(ServingCertificate.baseName, "crt"))
            seen.withLockedValue { $0 = (snapshot.generation, written) }
            return swapped
        } catch {
            logger.error(
                "cannot load the serving certificate after a CA change; retrying at the next check",
                metadata: ["error": "\(error)"])
            return false
        }
    }
}
