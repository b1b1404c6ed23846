import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKILifecycle

/// `rotate --report`: written on a real run, handed back (for stdout) on a dry run.
@Suite struct ScheduledRenewalReportSaveTests {
    @Test func aDryRunWritesNothingAndReturnsTheJSON() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["ca", "apiserver"])
        let report = try await ScheduledRenewal(context: cluster.context, store: nil, actor: "root", dryRun: true).run()
        let path = cluster.root.appendingPathComponent("report.json")
        #expect(try report.save(to: path) == (try report.json()))
        #expect(!FileManager.default.fileExists(atPath: path.path))
    }

    @Test func aRealRunWritesTheReport() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["ca", "apiserver"])
        let report = try await ScheduledRenewal(context: cluster.context, store: nil, actor: "root").run()
        let path = cluster.root.appendingPathComponent("report.json")
        #expect(try report.save(to: path) == nil)
        #expect(try String(contentsOf: path, encoding: .utf8) == (try report.json()))
    }
}
