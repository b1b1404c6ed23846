import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKISQLiteStore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

/// `clusterpki serve --rotate-every`: the scheduled job on an injected clock; "sleeping" advances the clock.
@Suite struct RotationServiceTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)
    static let day: TimeInterval = 86400

    @Test func runsAtStartThenEveryIntervalAndStopsOnGracefulShutdown() async throws {
        let cluster = try TestCluster(now: Self.start)
        try await CertsPhase(context: cluster.tree).generate(["all"])
        let leaves = cluster.tree.fileCredentials.map(\.name)
        let clock = NIOLockedValueBox(Self.start + 340 * Self.day)  // 25 days left of 365: every leaf is due
        let reports = NIOLockedValueBox<[ScheduledRenewalReport]>([])
        let sleeps = NIOLockedValueBox<[Duration]>([])
        let (tree, store) = (cluster.tree, cluster.store)
        let service = ScheduledRenewalService(
            interval: .seconds(12 * 3600), logger: Logger(label: "test"),
            job: { now in
                var context = tree
                context.now = now
                return ScheduledRenewal(context: context, store: store, actor: "clusterpki-serve")
            },
            now: { clock.withLockedValue { $0 } },
            sleep: { interval in
                sleeps.withLockedValue { $0.append(interval) }
                if reports.withLockedValue({ $0.count }) >= 3 { try await Task.sleep(for: .seconds(3600)) }  // until shutdown
                clock.withLockedValue { $0 += 12 * 3600 }
            },
            completed: { report in reports.withLockedValue { $0.append(report) } })
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<600 where reports.withLockedValue({ $0.count }) < 3 {
                try await Task.sleep(for: .milliseconds(50))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let runs = reports.withLockedValue { $0 }
        try #require(runs.count == 3)
        #expect(Set(runs[0].renewed.map(\.name)) == Set(leaves))
        #expect(runs[0].time == Self.start + 340 * Self.day)
        #expect(runs[1].renewed.isEmpty && runs[2].renewed.isEmpty)
        #expect(runs[1].time == runs[0].time + 12 * 3600 && runs[2].time == runs[1].time + 12 * 3600)
        #expect(runs.allSatisfy { $0.succeeded })
        #expect(sleeps.withLockedValue { $0 }.allSatisfy { $0 == .seconds(12 * 3600) })
        let audit = try await store.auditEvents(limit: nil).filter { $0.action == .certificateRenewed }
        #expect(audit.count == leaves.count && audit.allSatisfy { $0.actor == "clusterpki-serve" })
    }

    @Test func aFailingRunIsLoggedAndTheScheduleGoesOn() async throws {
        let cluster = try TestCluster(now: Self.start)
        try FileManager.default.removeItem(at: cluster.tree.directory.root)  // no pki dir: the job throws
        let service = ScheduledRenewalService(
            interval: .seconds(60), logger: Logger(label: "test"),
            job: { now in ScheduledRenewal(context: cluster.tree, store: nil, actor: "t") })
        #expect(await service.runOnce() == nil)
    }
}
