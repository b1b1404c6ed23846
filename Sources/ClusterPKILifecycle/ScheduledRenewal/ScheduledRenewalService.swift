import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation
import Logging
import ServiceLifecycle

/// `clusterpki serve --rotate-every`: runs the ``ScheduledRenewal`` at start and then every `interval` until shutdown.
public struct ScheduledRenewalService: Service {
    public let interval: Duration
    let job: @Sendable (Date) -> ScheduledRenewal
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async throws -> Void
    let completed: @Sendable (ScheduledRenewalReport) async -> Void
    let logger: Logger

    /// `job` builds the job for a run at the given time; `completed` sees every report (e.g. to reload the serving
    /// certificate). `now` and `sleep` are the clock, injectable for tests.
    public init(
        interval: Duration, logger: Logger, job: @escaping @Sendable (Date) -> ScheduledRenewal,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        completed: @escaping @Sendable (ScheduledRenewalReport) async -> Void = { _ in }
    ) {
        self.interval = interval
        self.job = job
        self.now = now
        self.sleep = sleep
        self.completed = completed
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await runOnce()
            try? await cancelWhenGracefulShutdown { try await sleep(interval) }
        }
    }

    /// One run; a failure is logged and retried at the next interval, never ends the server.
    @discardableResult
    public func runOnce() async -> ScheduledRenewalReport? {
        do {
            let report = try await job(now()).run()
            let metadata: Logger.Metadata = [
                "renewed": "\(report.renewed.map(\.name))", "failed": "\(report.failures)",
                "notDue": "\(report.notDue.count)",
            ]
            if report.succeeded {
                logger.info("\(report.summary)", metadata: metadata)
            } else {
                logger.error("\(report.summary)", metadata: metadata)
            }
            await completed(report)
            return report
        } catch {
            logger.error("scheduled rotation failed; retrying at the next interval", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
