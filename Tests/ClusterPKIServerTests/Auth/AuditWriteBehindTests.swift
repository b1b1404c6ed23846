import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import ClusterPKIServer

/// The success events of read-only token requests are written behind, in batches, bounded, and flushed on shutdown.
@Suite struct AuditWriteBehindTests {
    static func event(_ n: Int) -> AuditEvent {
        AuditEvent(time: Date(timeIntervalSince1970: 1_800_000_000), actor: "10.0.0.\(n)", action: .authenticated)
    }

    @Test func refusesWhileNotRunningSoTheCallerWritesAtOnce() throws {
        let cluster = try TestCluster()
        let behind = AuditWriteBehind(store: cluster.store, logger: Logger(label: "test"))
        #expect(!behind.enqueue(Self.event(1)))
    }

    @Test func writesQueuedEventsInOneBatchAndTheRestOnShutdown() async throws {
        let cluster = try TestCluster()
        let store = CountingStore(cluster.store)
        let behind = AuditWriteBehind(
            store: store, logger: Logger(label: "test"), capacity: 3, delay: .milliseconds(50))
        let group = ServiceGroup(
            configuration: .init(services: [behind], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Wait until the service runs (enqueue refuses before).
            var started = false
            for _ in 0..<200 where !started {
                started = behind.enqueue(Self.event(1))
                if !started { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(started)
            #expect(behind.enqueue(Self.event(2)))
            #expect(behind.enqueue(Self.event(3)))
            #expect(!behind.enqueue(Self.event(4)), "full: the caller writes this one itself")
            var stored: [AuditEvent] = []
            for _ in 0..<200 where stored.count < 3 {
                try await Task.sleep(for: .milliseconds(10))
                stored = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .authenticated }
            }
            #expect(stored.map(\.actor) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
            #expect(store.calls["recordAuditEvents"] == 1, "one batch, one transaction: \(store.calls)")

            #expect(behind.enqueue(Self.event(5)))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let stored = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .authenticated }
        #expect(stored.map(\.actor).last == "10.0.0.5", "what was pending at shutdown is written")
        #expect(!behind.enqueue(Self.event(6)), "stopped: callers write at once again")
    }
}
