import ClusterPKIAPI
import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct SecretsAndAdminTests {
    static let secrets = "/api/v1/namespaces/kube-system/secrets"

    /// What `kubectl create -f` sends: stringData, folded into base64 data.
    static func tokenSecretBody(id: String = "07401b", secret: String = "f395accd246ae52d", expiration: String? = nil)
        -> ByteBuffer
    {
        var stringData = [
            "token-id": id, "token-secret": secret, "usage-bootstrap-authentication": "true",
            "usage-bootstrap-signing": "true",
            "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token", "description": "made by kubectl",
        ]
        if let expiration { stringData["expiration"] = expiration }
        let object: [String: Any] = [
            "apiVersion": "v1", "kind": "Secret",
            "metadata": ["name": "bootstrap-token-\(id)", "namespace": "kube-system"],
            "type": "bootstrap.kubernetes.io/token", "stringData": stringData,
        ]
        return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    @Test func adminManagesBootstrapTokenSecrets() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        try await cluster.application().test(.router) { client in
            let created = try await client.execute(
                uri: "\(Self.secrets)?fieldManager=kubectl-create&fieldValidation=Strict", method: .post,
                headers: headers(credential: admin, contentType: true), body: Self.tokenSecretBody())
            #expect(created.status == .created)
            #expect(created.json["kind"] as? String == "Secret")
            let data = try #require(created.json["data"] as? [String: String])
            #expect(data["token-secret"].flatMap { Data(base64Encoded: $0) } == Data("f395accd246ae52d".utf8))
            #expect(created.json["stringData"] == nil)

            // The new token authenticates.
            let csr = try await client.execute(
                uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests", method: .get,
                headers: headers(token: "07401b.f395accd246ae52d"))
            #expect(csr.status == .ok)

            let list = try await client.execute(
                uri: "\(Self.secrets)?limit=500", method: .get, headers: headers(credential: admin))
            #expect(list.json["kind"] as? String == "SecretList")
            let names = (list.json["items"] as? [[String: Any]] ?? []).compactMap {
                ($0["metadata"] as? [String: Any])?["name"] as? String
            }
            #expect(names == ["bootstrap-token-07401b", "bootstrap-token-abcdef"])

            let again = try await client.execute(
                uri: Self.secrets, method: .post, headers: headers(credential: admin, contentType: true),
                body: Self.tokenSecretBody())
            #expect(again.status == .conflict)
            #expect(again.json["message"] as? String == "secrets \"bootstrap-token-07401b\" already exists")

            let past = try await client.execute(
                uri: Self.secrets, method: .post, headers: headers(credential: admin, contentType: true),
                body: Self.tokenSecretBody(id: "pastpa", expiration: "2001-01-01T00:00:00Z"))
            #expect(past.status.code == 422)

            let deleted = try await client.execute(
                uri: "\(Self.secrets)/bootstrap-token-07401b", method: .delete, headers: headers(credential: admin))
            #expect(deleted.status == .ok)
            #expect(deleted.json["status"] as? String == "Success")
            let gone = try await client.execute(
                uri: "\(Self.secrets)/bootstrap-token-07401b", method: .get, headers: headers(credential: admin))
            #expect(gone.status == .notFound)
            #expect(gone.json["message"] as? String == "secrets \"bootstrap-token-07401b\" not found")
            let rejected = try await client.execute(
                uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests", method: .get,
                headers: headers(token: "07401b.f395accd246ae52d"))
            #expect(rejected.status == .unauthorized)
        }
    }

    @Test func kubeadmCertsUploadAndDownload() async throws {
        var policy = try TestSupport.policy("kubeadm")
        policy.server = ServerPolicy(certsDownload: .init(maxFetchesPerUpload: 2))
        let cluster = try TestCluster(policy: policy)
        let admin = try await cluster.admin()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        _ = try await cluster.token("zzzzzz.0123456789abcdef", groups: ["system:bootstrappers:other"])
        try await cluster.application().test(.router) { client in
            let path = "\(Self.secrets)/kubeadm-certs"
            let missing = try await client.execute(
                uri: path, method: .get, headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(missing.status == .notFound)
            #expect((missing.json["message"] as? String)?.contains("upload-certs") == true)

            let upload = try await client.execute(
                uri: "/apis/clusterpki.io/v1alpha1/certificateuploads", method: .post,
                headers: headers(credential: admin, contentType: true),
                body: ByteBuffer(
                    string:
                        #"{"spec":{"certificateKey":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}}"#
                ))
            #expect(upload.status == .created)
            #expect(
                (upload.json["status"] as? [String: Any])?["certificateKey"] as? String
                    == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")

            let forbidden = try await client.execute(
                uri: path, method: .get, headers: headers(token: "zzzzzz.0123456789abcdef"))
            #expect(forbidden.status == .forbidden)
            let anonymous = try await client.execute(uri: path, method: .get)
            #expect(anonymous.status == .forbidden)

            let fetched = try await client.execute(
                uri: path, method: .get, headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(fetched.status == .ok)
            #expect(fetched.json["type"] as? String == "Opaque")
            let owner = try #require(
                ((fetched.json["metadata"] as? [String: Any])?["ownerReferences"] as? [[String: Any]])?.first)
            #expect((owner["name"] as? String)?.hasPrefix("bootstrap-token-") == true)
            let data = try #require(fetched.json["data"] as? [String: String])
            let sealed = try #require(Data(base64Encoded: data["ca.crt"] ?? ""))
            let key = try CertificateKey(parsing: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
            #expect(try SealedValue.open(sealed, key: key, name: "ca.crt") == cluster.caPEM)

            _ = try await client.execute(uri: path, method: .get, headers: headers(token: "abcdef.0123456789abcdef"))
            let third = try await client.execute(
                uri: path, method: .get, headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(third.status == .notFound)
            #expect((third.json["message"] as? String)?.contains("maxFetchesPerUpload") == true)

            // Expiry after two hours: 404 with kubeadm's hint.
            cluster.advance(2 * 3600 + 1)
            let expired = try await client.execute(uri: path, method: .get, headers: headers(credential: admin))
            #expect(expired.status == .notFound)
            #expect((expired.json["message"] as? String)?.contains("might have expired") == true)
        }
        let fetches = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .uploadFetched }
        #expect(fetches.count == 3)
    }

    @Test func userKubeconfigIsMintedAndRecorded() async throws {
        let cluster = try TestCluster()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let created = try await client.execute(
                uri: "/apis/clusterpki.io/v1alpha1/userkubeconfigs", method: .post,
                headers: headers(credential: admin, contentType: true),
                body: ByteBuffer(
                    string:
                        #"{"apiVersion":"clusterpki.io/v1alpha1","kind":"UserKubeconfig","metadata":{"name":"jane"},"spec":{"groups":["dev"],"validity":"1h"}}"#
                ))
            #expect(created.status == .created)
            let status = try #require(created.json["status"] as? [String: Any])
            let kubeconfig = try #require(status["kubeconfig"] as? String)
            #expect(kubeconfig.contains("current-context: \"jane@kubernetes\""))
            #expect(kubeconfig.contains("client-key-data: "))
            let serial = try #require(status["serial"] as? String)
            #expect(try await cluster.store.credentials().contains { $0.serial == serial && $0.commonName == "jane" })

            let masters = try await client.execute(
                uri: "/apis/clusterpki.io/v1alpha1/userkubeconfigs", method: .post,
                headers: headers(credential: admin, contentType: true),
                body: ByteBuffer(string: #"{"metadata":{"name":"root"},"spec":{"groups":["system:masters"]}}"#))
            #expect(masters.status == .forbidden)
            let tooLong = try await client.execute(
                uri: "/apis/clusterpki.io/v1alpha1/userkubeconfigs", method: .post,
                headers: headers(credential: admin, contentType: true),
                body: ByteBuffer(string: #"{"metadata":{"name":"jane"},"spec":{"validity":"100000h"}}"#))
            #expect(tooLong.status.code == 422)
        }
    }

    @Test func bodiesOverThePolicyLimitAre413() async throws {
        var policy = try TestSupport.policy("kubeadm")
        policy.server = ServerPolicy(maxRequestBodyBytes: 2048)
        let cluster = try TestCluster(policy: policy)
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 4096)
            let response = try await client.execute(
                uri: Self.secrets, method: .post, headers: headers(credential: admin, contentType: true), body: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.json["reason"] as? String == "RequestEntityTooLarge")
            #expect(response.json["code"] as? Int == 413)
        }
    }
}
