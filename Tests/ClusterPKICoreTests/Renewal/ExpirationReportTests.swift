import ClusterPKICore
import Foundation
import Testing

@Suite struct ExpirationReportTests {
    /// A tree made at `start`, with front-proxy-ca's key removed and etcd/server.crt missing, read one day later.
    static func report(_ root: URL) async throws -> ExpirationReport {
        let context = try await RenewerTests.tree(root)
        try FileManager.default.removeItem(at: context.directory.url("front-proxy-ca", "key"))
        try FileManager.default.removeItem(at: context.directory.url("etcd/server", "crt"))
        let later = RenewerTests.at(context, TestSupport.start + TestSupport.day)
        return try ExpirationReport(context: later, credentials: later.fileCredentials)
    }

    @Test func textMatchesKubeadmTables() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let text = try await Self.report(root).text()
            let expected = [
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

    @Test func jsonHasKubeadmOutputShape() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let json = try await Self.report(root).json()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(object["kind"] as? String == "CertificateExpirationInfo")
            #expect(object["apiVersion"] as? String == "output.kubeadm.k8s.io/v1alpha3")
            let certificates = try #require(object["certificates"] as? [[String: Any]])
            let authorities = try #require(object["certificateAuthorities"] as? [[String: Any]])
            #expect(certificates.map { $0["name"] as? String } == ["apiserver", "apiserver-etcd-client", "apiserver-kubelet-client",
                                                                  "etcd-healthcheck-client", "etcd-peer", "etcd-server", "front-proxy-client"])
            #expect(authorities.map { $0["name"] as? String } == ["ca", "etcd-ca", "front-proxy-ca"])

            let apiserver = try #require(certificates.first)
            #expect(apiserver["expirationDate"] as? String == "2026-01-01T00:00:00Z")
            #expect((apiserver["residualTime"] as? NSNumber)?.int64Value == Int64(364 * 86400))
            #expect(!(json.contains("\"residualTime\" : 31449600.")), "residualTime must be an integer")
            #expect(apiserver["caName"] as? String == "ca")
            #expect(apiserver["externallyManaged"] as? Bool == false)
            #expect(apiserver["missing"] as? Bool == false)

            let missing = try #require(certificates.first { $0["name"] as? String == "etcd-server" })
            #expect(missing["missing"] as? Bool == true)
            let frontProxy = try #require(certificates.first { $0["name"] as? String == "front-proxy-client" })
            #expect(frontProxy["externallyManaged"] as? Bool == true)

            let ca = try #require(authorities.first)
            #expect(ca["caName"] == nil, "caName is omitted when empty")
            #expect((ca["residualTime"] as? NSNumber)?.int64Value == Int64((87600 - 24) * 3600))
            #expect(authorities.last?["externallyManaged"] as? Bool == true)
        }
    }

    @Test func expiredCertificateShowsInvalid() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try await RenewerTests.tree(root)
            let muchLater = RenewerTests.at(context, TestSupport.start + 400 * TestSupport.day)
            let report = try ExpirationReport(context: muchLater, credentials: muchLater.fileCredentials)
            #expect(report.certificates.allSatisfy { $0.residualTime < 0 })
            let line = try #require(report.text().split(separator: "\n").first { $0.hasPrefix("apiserver ") })
            #expect(line == "apiserver                  Jan 01, 2026 00:00 UTC   <invalid>       ca                      no      ")
        }
    }
}

@Suite struct HumanDurationTests {
    static let cases: [(Double, String)] = [
        (0.0, "0s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"), (86399, "23h"), (86400, "1d"),
        (364 * 86400, "364d"), (365 * 86400 - 1, "364d"), (365 * 86400, "1y"), ((87600 - 24) * 3600, "9y"), (87600 * 3600, "10y"),
        (-0.5, "0s"), (-1, "0s"), (-2, "<invalid>"), (-86400, "<invalid>"),
    ]

    @Test(arguments: cases)
    func matchesShortHumanDuration(_ seconds: Double, _ expected: String) {
        #expect(HumanDuration.short(seconds: seconds) == expected)
    }

    /// apimachinery truncates with `int(d.Seconds())` before comparing with -1, so -1.5 s is still "0s".
    @Test func truncatesFractionalSecondsLikeGo() {
        #expect(HumanDuration.short(seconds: -1.5) == "0s")
    }
}

@Suite struct TabWriterTests {
    @Test func padsColumnsToWidestCellPlusThreeWithMinimumTen() {
        let text = TabWriter.render([["A", "LONGER HEADER", "LAST"], ["abcdefghijkl", "x", "tail"]])
        #expect(text == "A              LONGER HEADER   LAST\nabcdefghijkl   x               tail\n")
    }

    @Test func lastCellIsNotPadded() {
        #expect(TabWriter.render([["a", "b"]]) == "a         b\n")
    }
}
