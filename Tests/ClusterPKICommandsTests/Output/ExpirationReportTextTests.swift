import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// `certs check-expiration`'s text: kubeadm's two tables.
@Suite struct ExpirationReportTextTests {
    /// A tree made at `start`, with front-proxy-ca's key removed and etcd/server.crt missing, read one day later.
    static func report(_ root: URL) async throws -> ExpirationReport {
        let context = try await TestSupport.tree(root)
        try FileManager.default.removeItem(at: context.directory.url("front-proxy-ca", "key"))
        try FileManager.default.removeItem(at: context.directory.url("etcd/server", "crt"))
        let later = TestSupport.at(context, TestSupport.start + TestSupport.day)
        return try ExpirationReport(context: later, credentials: later.fileCredentials)
    }

    @Test func textMatchesKubeadmTables() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let text = try await Self.report(root).text()
            let expected =
                [
                    "CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED",
                    "apiserver                  Jan 01, 2026 00:00 UTC   364d            ca                      no      ",
                    "apiserver-etcd-client      Jan 01, 2026 00:00 UTC   364d            etcd-ca                 no      ",
                    "apiserver-kubelet-client   Jan 01, 2026 00:00 UTC   364d            ca                      no      ",
                    "etcd-healthcheck-client    Jan 01, 2026 00:00 UTC   364d            etcd-ca                 no      ",
                    "etcd-peer                  Jan 01, 2026 00:00 UTC   364d            etcd-ca                 no      ",
                    "!MISSING! etcd-server                                                                       ",
                    "front-proxy-client         Jan 01, 2026 00:00 UTC   364d            front-proxy-ca          yes     ",
                    "",
                    "CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED",
                    "ca                      Dec 30, 2034 00:00 UTC   9y              no      ",
                    "etcd-ca                 Dec 30, 2034 00:00 UTC   9y              no      ",
                    "front-proxy-ca          Dec 30, 2034 00:00 UTC   9y              yes     ",
                ].joined(separator: "\n") + "\n"
            #expect(text == expected)
        }
    }

    @Test func expiredCertificateShowsInvalid() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await TestSupport.tree(root)
            let muchLater = TestSupport.at(context, TestSupport.start + 400 * TestSupport.day)
            let report = try ExpirationReport(context: muchLater, credentials: muchLater.fileCredentials)
            #expect(report.certificates.allSatisfy { $0.residualTime < 0 })
            let line = try #require(report.text().split(separator: "\n").first { $0.hasPrefix("apiserver ") })
            #expect(
                line
                    == "apiserver                  Jan 01, 2026 00:00 UTC   <invalid>       ca                      no      "
            )
        }
    }
}
