import ClusterPKIStore
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The success audit events of read-only requests authenticated by a bootstrap token, written behind the request:
/// gathered for `delay` and stored in one transaction, so that such a request costs no write of its own (on a
/// three-member etcd a write is a Raft commit, several fsyncs). A CSR's authentication is not written here: it goes
/// into the CSR's own transaction (``PendingAudit``).
///
/// Bounded: beyond `capacity` pending events the request writes its event itself (back-pressure, nothing dropped).
/// What is pending when the process is killed is lost (at most `delay` of such events); a graceful shutdown writes
/// it. Without the service running (a router built for tests), ``enqueue(_:)`` refuses and callers write at once.
public final class AuditWriteBehind: Service {
    let store: any AuditLog
    let capacity: Int
    let delay: Duration
    let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let signal: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct State {
        var pending: [AuditEvent] = []
        var running = false
    }

    public init(store: any AuditLog, logger: Logger, capacity: Int = 4096, delay: Duration = .milliseconds(100)) {
        self.store = store
        self.capacity = capacity
        self.delay = delay
        self.logger = logger
        (signal, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `event`; false when it must be written by the caller (the service is not running, or the queue is full).
    func enqueue(_ event: AuditEvent) -> Bool {
        let queued = state.withLockedValue { state in
            guard state.running, state.pending.count < capacity else { return false }
            state.pending.append(event)
            return true
        }
        if queued { wake.yield() }
        return queued
    }

    public func run() async throws {
        state.withLockedValue { $0.running = true }
        for await _ in signal.cancelOnGracefulShutdown() {
            try? await Task.sleep(for: delay)
            await flush()
        }
        state.withLockedValue { $0.running = false }
        await flush()
    }

    /// Writes what is pending in one transaction; on failure the events are logged as lost, never retried forever.
    func flush() async {
        let events = state.withLockedValue { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        guard !events.isEmpty else { return }
        do {
            try await store.recordAuditEvents(events)
        } catch {
            logger.error(
                "cannot record token authentications in the audit log",
                metadata: ["events": "\(events.count)", "error": "\(error)"])
        }
    }
}
