import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 13, item 4 (server side): names Core would refuse are refused before signing, naming the field and the bound.
@Suite struct SubjectNameRouteTests {
    static let userPath = "/apis/clusterpki.io/v1alpha1/userkubeconfigs"
    static let csrPath = "/apis/certificates.k8s.io/v1/certificatesigningrequests"

    static func body(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    @Test func theUserKubeconfigRouteRefusesNamesBeyondRFC5280With422() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        let before = try await cluster.store.credentials().count
        let long = String(repeating: "a", count: 70)
        try await cluster.application().test(.router) { client in
            let cases: [(spec: [String: Any], field: String, words: String)] = [
                (["username": long], "spec.username", "ub-common-name"),
                (["username": "eve", "groups": ["dev", long]], "spec.groups[1]", "ub-organization-name"),
                (
                    ["username": "eve\n2026-11-30T00:00:00Z critical clusterpki.serve: FORGED"], "spec.username",
                    "control"
                ),
                (["username": "eve", "groups": ["dev", "dev"]], "spec.groups[1]", "twice"),
                (["username": "system:node:Bad_Name"], "spec.username", "RFC 1123"),
            ]
            for (spec, field, words) in cases {
                let response = try await client.execute(
                    uri: Self.userPath, method: .post, headers: headers(credential: admin, contentType: true),
                    body: try Self.body(["metadata": ["name": "x"], "spec": spec]))
                #expect(response.status.code == 422, "\(spec): \(response.text)")
                #expect(response.json["kind"] as? String == "Status")
                #expect(response.json["reason"] as? String == "Invalid")
                let message = response.json["message"] as? String ?? ""
                #expect(message.contains("\(field): Invalid value: "), "\(message)")
                #expect(message.contains(words), "\(message)")
                #expect(!message.contains("\n"), "the value is escaped: \(message)")
            }
        }
        #expect(try await cluster.store.credentials().count == before)
    }

    @Test func aTokenCSRForAnInvalidNodeNameIsDeniedWithTheReason() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            for (index, node) in ["n6\ncritical FORGED-BY-TOKEN", "Upper", "a..b", "-x"].enumerated() {
                let response = try await client.execute(
                    uri: Self.csrPath, method: .post,
                    headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                    body: try TestCSR.body(
                        name: "node-csr-\(index)",
                        pem: try TestCSR.pem(commonName: "system:node:\(node)", organizations: ["system:nodes"])))
                #expect(response.status == .created, "\(response.text)")
                let status = response.json["status"] as? [String: Any]
                let condition = (status?["conditions"] as? [[String: Any]])?.first
                #expect(condition?["type"] as? String == "Denied")
                #expect(condition?["reason"] as? String == "InvalidNodeName")
                #expect((condition?["message"] as? String ?? "").contains("RFC 1123"))
                #expect(status?["certificate"] == nil)
            }
        }
        #expect(try await cluster.store.credentials().allSatisfy { !$0.commonName.hasPrefix("system:node:") })
    }

    @Test func aCSRWhoseNamesCoreRefusesIs422OnSpecRequest() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(
                uri: Self.csrPath, method: .post, headers: headers(credential: admin, contentType: true),
                body: try TestCSR.body(
                    name: "long-o",
                    pem: try TestCSR.pem(
                        commonName: "system:node:ok",
                        organizations: ["system:nodes", String(repeating: "o", count: 65)])))
            #expect(response.status.code == 422, "\(response.text)")
            let message = response.json["message"] as? String ?? ""
            #expect(message.contains("spec.request (subject O[1]): Invalid value: "), "\(message)")
            #expect(message.contains("ub-organization-name"), "\(message)")
            #expect(try await cluster.store.certificateRequest(named: "long-o") == nil)
        }
    }
}
