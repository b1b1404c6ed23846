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
}
