import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKITesting
import Foundation
import Testing

/// What `certs renew` and `certs check-expiration` cover.
@Suite struct RenewableCredentialsTests {
    @Test func leavesThenRenewableKubeconfigsButNotKubeletConf() throws {
        let cluster = try TestCluster.empty()
        let names = cluster.context.renewableCredentials.map(\.name)
        #expect(
            names == cluster.context.fileCredentials.map(\.name) + cluster.context.kubeconfigCredentials.map(\.name))
        #expect(names.contains("apiserver") && names.contains("admin.conf"))
        #expect(!names.contains("kubelet.conf"))
    }

    @Test func expirationReportReadsTheTreeUnderItsLock() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["ca", "apiserver"])
        _ = try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        let report = try await ExpirationReport.read(cluster.context)
        #expect(report.certificates.first { $0.name == "apiserver" }?.missing == false)
        #expect(report.certificates.first { $0.name == "admin.conf" }?.missing == false)
        #expect(report.certificates.first { $0.name == "etcd-server" }?.missing == true)
        #expect(report.certificateAuthorities.first { $0.name == "ca" }?.missing == false)
    }

    @Test func expirationReportDoesNotCreateAMissingDirectory() async throws {
        let cluster = try TestCluster.empty()
        await #expect(throws: (any Error).self) { try await ExpirationReport.read(cluster.context) }
        #expect(!FileManager.default.fileExists(atPath: cluster.context.settings.certificatesDir.path))
    }
}
