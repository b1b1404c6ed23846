import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import X509

/// `POST userkubeconfigs` mints with `kubeconfig user`'s minter: one superuser rule, one validity rule, the ledger.
@Suite struct UserKubeconfigRouteTests {
    static let path = "/apis/clusterpki.io/v1alpha1/userkubeconfigs"

    static func mint(_ client: some TestClientProtocol, as credential: TestCredential, body: String) async throws
        -> TestResponse
    {
        try await client.execute(
            uri: path, method: .post, headers: headers(credential: credential, contentType: true),
            body: ByteBuffer(string: body))
    }

    static func kubeconfig(_ response: TestResponse) throws -> String {
        try #require((response.json["status"] as? [String: Any])?["kubeconfig"] as? String)
    }

    /// The superuser rule from both sides: a cluster admin may not mint `system:masters`, a `system:masters` client may.
    @Test func privilegedGroupsOnlyForASystemMastersRequester() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        let superAdmin = try await cluster.credential(
            commonName: "kubernetes-super-admin", organizations: ["system:masters"])
        let before = try await cluster.store.credentials().count
        try await cluster.application().test(.router) { client in
            let refused = try await Self.mint(
                client, as: admin, body: #"{"metadata":{"name":"root"},"spec":{"groups":["dev","system:masters"]}}"#)
            #expect(refused.status == .forbidden)
            #expect(refused.json["reason"] as? String == "Forbidden")
            #expect(
                refused.json["message"] as? String
                    == #"userkubeconfigs.clusterpki.io "root" is forbidden: User "kubernetes-admin" cannot create resource "userkubeconfigs" in API group "clusterpki.io": groups ["system:masters"] are privileged (policy userCredentials.privilegedOrganizations); only system:masters may mint them"#
            )
            #expect(try await cluster.store.credentials().count == before)

            let minted = try await Self.mint(
                client, as: superAdmin, body: #"{"metadata":{"name":"root"},"spec":{"groups":["system:masters"]}}"#)
            #expect(minted.status == .created)
            let certificate = try KubeconfigDocument(text: try Self.kubeconfig(minted), path: "response")
                .clientCertificate()
            #expect(certificate.commonName == "root" && certificate.organizations == ["system:masters"])
            let record = try #require(
                try await cluster.store.credentials().first { $0.serial == certificate.serialHex })
            #expect(record.actor == "kubernetes-super-admin" && record.organizations == ["system:masters"])
        }
    }

    /// Signed by the CA the server follows now, trusting its whole bundle (old and new during a rotation), valid for
    /// the policy's default.
    @Test func signsWithTheCurrentCAAndEmbedsTheBundle() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        let next = try TestCluster.makeCA(commonName: "kubernetes-next", now: cluster.now)
        let bundle = cluster.caPEM + Data(try PEMCertificates.encode([next.certificate]).utf8)
        var environment = cluster.environment()
        environment.authorities = ClusterCAWatcher(fixed: cluster.authority, bundlePEM: bundle)
        try await cluster.application(environment).test(.router) { client in
            let minted = try await Self.mint(
                client, as: admin, body: #"{"metadata":{"name":"jane"},"spec":{"groups":["dev"]}}"#)
            #expect(minted.status == .created)
            let config = try KubeConfig(yaml: try Self.kubeconfig(minted), path: "response")
            #expect(
                config.clusters.first?.cluster.certificateAuthorityData.flatMap { Data(base64Encoded: $0) } == bundle)
            #expect(config.clusters.first?.cluster.server == "https://192.0.2.10:6443")
            let certificate = try KubeconfigDocument(text: try Self.kubeconfig(minted), path: "response")
                .clientCertificate()
            #expect(cluster.authority.issued(certificate))
            #expect(
                abs(
                    certificate.notValidAfter.timeIntervalSince(cluster.now)
                        - cluster.policy.userCredentials.defaultValidity.seconds) < 1)
        }
    }

    /// The model's layout (what `kubeconfig user` prints and kubectl reads) with the names double-quoted, as this
    /// route has always returned it: removing the quotes gives the model's YAML byte for byte.
    @Test func yamlIsTheModelsLayoutWithQuotedNames() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let minted = try await Self.mint(
                client, as: admin,
                body: #"{"metadata":{"name":"jane"},"spec":{"groups":["dev"],"server":"https://10.1.2.3:6443"}}"#)
            let text = try Self.kubeconfig(minted)
            #expect(text.contains("current-context: \"jane@kubernetes\"\n"))
            #expect(text.contains("    server: \"https://10.1.2.3:6443\"\n"))
            let model = try KubeConfig(yaml: text, path: "response")
            #expect(text.replacingOccurrences(of: "\"", with: "") == (try model.yaml()))
        }
    }

    @Test(arguments: [
        (
            #"{"metadata":{},"spec":{"username":"jane","validity":"0s"}}"#,
            #"userkubeconfigs.clusterpki.io "jane" is invalid: spec.validity: Invalid value: "0s": must be a positive Go duration such as 24h"#
        ),
        (
            #"{"metadata":{},"spec":{"username":"jane","validity":"soon"}}"#,
            #"userkubeconfigs.clusterpki.io "jane" is invalid: spec.validity: Invalid value: "soon": must be a positive Go duration such as 24h"#
        ),
        (
            #"{"metadata":{},"spec":{"username":"jane","validity":"8761h"}}"#,
            #"userkubeconfigs.clusterpki.io "jane" is invalid: spec.validity: Invalid value: longer than the policy's userCredentials.maxValidity (8760h0m0s)"#
        ),
        (
            #"{"metadata":{},"spec":{"username":"jane","groups":[""]}}"#,
            #"userkubeconfigs.clusterpki.io "jane" is invalid: spec.groups: Invalid value: "": a group name may not be empty"#
        ),
        (#"{"metadata":{}}"#, #"userkubeconfigs.clusterpki.io "" is invalid: spec.username: Required value"#),
    ])
    func theMintersRulesAre422(body: String, message: String) async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        let before = try await cluster.store.credentials().count
        try await cluster.application().test(.router) { client in
            let response = try await Self.mint(client, as: admin, body: body)
            #expect(response.status.code == 422)
            #expect(response.json["message"] as? String == message)
        }
        #expect(try await cluster.store.credentials().count == before)
    }
}
