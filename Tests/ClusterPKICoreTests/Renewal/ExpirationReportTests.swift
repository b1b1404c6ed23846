import ClusterPKICore
import ClusterPKITesting
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

    @Test func jsonHasKubeadmOutputShape() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let json = try await Self.report(root).json()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(object["kind"] as? String == "CertificateExpirationInfo")
            #expect(object["apiVersion"] as? String == "output.kubeadm.k8s.io/v1alpha3")
            let certificates = try #require(object["certificates"] as? [[String: Any]])
            let authorities = try #require(object["certificateAuthorities"] as? [[String: Any]])
            #expect(
                certificates.map { $0["name"] as? String } == [
                    "apiserver", "apiserver-etcd-client", "apiserver-kubelet-client",
                    "etcd-healthcheck-client", "etcd-peer", "etcd-server", "front-proxy-client",
                ])
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
}
