import ClusterPKILifecycle
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// `rotate`: the dry run's unwritten report and the failure list on stderr.
@Suite struct ScheduledRenewalOutputTests {
    @Test func dryRunReportFollowsItsHeading() {
        #expect(
            ScheduledRenewalOutput.unwrittenReport("{}\n", path: "r.json")
                == "[dry-run] report not written to r.json:\n{}\n")
    }

    @Test func failuresAreListedUnderAHeading() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["ca", "apiserver"])
        var report = try await ScheduledRenewal(context: cluster.context, store: nil, actor: "root", dryRun: true).run()
        report.errors = ["restart hook `false` exited with status 1"]
        #expect(
            ScheduledRenewalOutput.failureLines(report) == [
                "error: rotation failed:", "  - restart hook `false` exited with status 1",
            ])
    }
}
