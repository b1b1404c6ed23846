import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKILifecycle

/// `certs renew`: the tree's leaves and kubeconfig client certificates, through the ledger.
@Suite struct CertificatesRenewalTests {
    static func cluster() async throws -> TestCluster {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["ca", "apiserver"])
        let ledger = try cluster.ledger()
        _ = try await KubeconfigPhase(context: cluster.context).generate(
            ["admin"], recorder: { LedgerRecorder(ledger: ledger, actor: "root", now: Date()) })
        return cluster
    }

    @Test func coversLeavesAndKubeconfigsAndRecordsNewKubeconfigSerials() async throws {
        let cluster = try await Self.cluster()
        let ledger = try cluster.ledger()
        let report = try await CertificatesRenewal.run(
            context: cluster.context, names: ["apiserver", "admin.conf"], expiringWithin: nil, ledger: ledger,
            actor: "alice")
        #expect(report.count(.renewed) == 2)
        let renewed = try #require(report.items.first { $0.name == "admin.conf" }?.newSerial)
        let record = try #require(try await ledger.credentials().first { $0.serial == renewed })
        #expect(record.actor == "alice")
        #expect(cluster.context.renewableCredentials.map(\.name).contains("admin.conf"))
    }

    @Test func aRevokedKubeconfigCredentialIsRefused() async throws {
        let cluster = try await Self.cluster()
        let ledger = try cluster.ledger()
        _ = try await ledger.revokeCredentials(clientName: "kubernetes-admin", actor: "root", now: Date())
        let report = try await CertificatesRenewal.run(
            context: cluster.context, names: ["admin.conf"], expiringWithin: nil, ledger: ledger, actor: "alice")
        #expect(report.count(.refused) == 1 && report.count(.renewed) == 0)
    }

    @Test func theWindowLeavesCertificatesThatAreNotDue() async throws {
        let cluster = try await Self.cluster()
        let report = try await CertificatesRenewal.run(
            context: cluster.context, names: ["all"], expiringWithin: GoDuration(seconds: 86400), ledger: nil,
            actor: "alice")
        #expect(report.count(.renewed) == 0 && report.count(.notDue) > 0)
    }

    /// Issue 13, item 7: a kubeconfig whose file cannot be written (a real full tmpfs) leaves its new serial in the
    /// ledger only as revoked by `<actor> (file write failed)`, never as a live credential, and the file unchanged.
    @Test func aFailedWriteOnAFullDiskLeavesNoLiveLedgerRow() async throws {
        let cluster = try await Self.cluster()
        guard let disk = try FullFileSystem.mount(megabytes: 2) else { return }
        defer { disk.unmount() }
        let copy = disk.url.appendingPathComponent("kubernetes")
        try FileManager.default.copyItem(at: cluster.kubernetesDir, to: copy)
        var settings = cluster.settings
        settings.kubernetesDir = copy
        settings.certificatesDir = copy.appendingPathComponent("pki")
        let context = TreeContext(policy: cluster.policy, settings: settings)
        let before = try Data(contentsOf: copy.appendingPathComponent("admin.conf"))
        let ledger = try cluster.ledger()
        let rowsBefore = try await ledger.credentials()
        disk.fill()
        var failure = ""
        do {
            let report = try await CertificatesRenewal.run(
                context: context, names: ["admin.conf"], expiringWithin: nil, ledger: ledger, actor: "alice")
            #expect(report.count(.renewed) == 0)
            failure = report.lines.joined(separator: "\n")
        } catch {
            failure = "\(error)"
        }
        #expect(failure.contains("no space left on device"), "\(failure)")
        #expect(try Data(contentsOf: copy.appendingPathComponent("admin.conf")) == before)
        let added = try await ledger.credentials().filter { row in !rowsBefore.contains { $0.serial == row.serial } }
        #expect(added.count == 1)
        #expect(added.allSatisfy { $0.revoked != nil && $0.revokedBy == "alice (file write failed)" }, "\(added)")
    }
}
