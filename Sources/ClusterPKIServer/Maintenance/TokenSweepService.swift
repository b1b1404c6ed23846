import ClusterPKIStore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes expired tokens (and their uploads) and stale failed-authentication counters on a schedule, as
/// kube-controller-manager's TokenCleaner does; without it a long-running `serve` would accumulate counters of
/// every client that ever failed to authenticate.
///
/// This is where periodic store housekeeping belongs: audit-log retention (by age and count, needed on etcd, whose
/// space is the whole cluster's) would run here too.
public struct TokenSweepService: Service {
    public let interval: Duration
    let store: any TokenStore
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        store: any TokenStore, interval: Duration = .seconds(60), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        await PeriodicLoop.run(every: interval) { _ = await sweepOnce() }
    }

    /// One sweep; a failure (the store unreachable) is logged and tried again at the next interval.
    @discardableResult
    public func sweepOnce() async -> Int? {
        do {
            let deleted = try await store.sweepExpired(now: now())
            if deleted > 0 { logger.info("expired bootstrap tokens deleted", metadata: ["count": "\(deleted)"]) }
            return deleted
        } catch {
            logger.warning("token sweep failed; retrying at the next interval", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
