import ClusterPKICore
import ClusterPKIStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps the audit log bounded while `clusterpki serve` runs: once a window it writes the authentication failures
/// the ``AuthThrottle`` tallied (one event per client and token id), logs one summary line per client, and prunes
/// the store to the policy's `audit:` retention.
public struct AuditMaintenance: Service {
    let store: any AuditLog
    let throttle: AuthThrottle
    let retention: AuditPolicy
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date
    /// Summary lines per tick; more clients than this are said in one line (the audit rows hold them all).
    static let maxSummaryLines = 20

    public init(
        store: any AuditLog, throttle: AuthThrottle, retention: AuditPolicy, interval: Duration, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.throttle = throttle
        self.retention = retention
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    /// The service for `environment`: the throttle's window as interval (at least a second).
    public init(environment: ServerEnvironment, logger: Logger) {
        self.init(
            store: environment.store, throttle: environment.authThrottle, retention: environment.policy.auditPolicy,
            interval: .seconds(max(1, environment.authThrottle.policy.window)), logger: logger, now: environment.now)
    }

    public func run() async throws {
        await PeriodicLoop.run(every: interval) { await tick() }
        await tick()  // also on the way out, so the last window's failures are audited
    }

    /// One round: flush the tallies, then prune. Failures are logged, never thrown: the next tick tries again.
    @discardableResult
    public func tick() async -> (recorded: Int, pruned: Int) {
        let time = now()
        let drained = throttle.drain(now: time)
        var recorded = 0
        do {
            try await store.recordAuditEvents(drained.map { $0.event })
            recorded = drained.count
        } catch {
            logger.error("cannot record authentication failures in the audit log", metadata: ["error": "\(error)"])
        }
        // The first attempt of each client was logged when it happened; only repeats are summarised.
        let repeated = drained.filter { $0.attempts > 1 }.map { $0.event }
        for event in repeated.prefix(Self.maxSummaryLines) {
            logger.notice(
                "repeated bootstrap token failures",
                metadata: [
                    "client": .untrusted(event.actor), "token": .untrusted(event.tokenID ?? "-"),
                    "counts": "\(event.detail)",
                ])
        }
        if repeated.count > Self.maxSummaryLines {
            logger.notice(
                "repeated bootstrap token failures from more clients",
                metadata: ["clients": "\(repeated.count - Self.maxSummaryLines)"])
        }
        var pruned = 0
        do {
            pruned = try await store.pruneAuditEvents(
                olderThan: retention.cutoff(now: time), keepingNewest: retention.maxRows)
            if pruned > 0 { logger.info("audit log pruned", metadata: ["events": "\(pruned)"]) }
        } catch {
            logger.error("cannot prune the audit log", metadata: ["error": "\(error)"])
        }
        return (recorded, pruned)
    }
}
