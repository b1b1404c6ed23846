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
import X509

@Suite struct CSRRouteTests {
    static let csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests"

    static func conditions(_ json: [String: Any]) -> [[String: Any]] {
        ((json["status"] as? [String: Any])?["conditions"] as? [[String: Any]]) ?? []
    }

    static func certificate(_ json: [String: Any]) throws -> Certificate? {
        guard let b64 = (json["status"] as? [String: Any])?["certificate"] as? String,
            let data = Data(base64Encoded: b64)
        else { return nil }
        return try PEMCertificates.parse(String(decoding: data, as: UTF8.self), path: "status.certificate").first
    }

    @Test func bootstrapTokenGetsKubeletClientCertificate() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        let environment = cluster.environment()
        try await cluster.application(environment).test(.router) { client in
            let pem = try TestCSR.pem(commonName: "system:node:worker-1", organizations: ["system:nodes"])
            let created = try await client.execute(
                uri: Self.csrs, method: .post,
                headers: headers(token: "abcdef.0123456789abcdef", address: "10.0.0.11", contentType: true),
                body: try TestCSR.body(
                    name: "node-csr-worker-1", pem: pem, annotations: ["clusterpki.io/node-ip": "10.0.0.11,fd00::11"]))
            #expect(created.status == .created)
            let json = created.json
            #expect(json["kind"] as? String == "CertificateSigningRequest")
            let spec = try #require(json["spec"] as? [String: Any])
            #expect(spec["username"] as? String == "system:bootstrap:abcdef")
            #expect((spec["groups"] as? [String])?.contains("system:bootstrappers:kubeadm:default-node-token") == true)
            let condition = try #require(Self.conditions(json).first)
            #expect(condition["type"] as? String == "Approved")
            #expect(condition["reason"] as? String == "AutoApproved")
            let certificate = try #require(try Self.certificate(json))
            #expect(cluster.authority.issued(certificate))
            #expect(certificate.subject.kubernetesIdentity.commonName == "system:node:worker-1")
            #expect(certificate.subject.kubernetesIdentity.organizations == ["system:nodes"])
            #expect(try certificate.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
            // NotAfter capped by the policy's signing duration (8760h).
            #expect(certificate.notValidAfter <= cluster.now + 8760 * 3600 + 1)

            // Get, list with fieldSelector, and a duplicate create.
            let fetched = try await client.execute(
                uri: "\(Self.csrs)/node-csr-worker-1", method: .get, headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(fetched.status == .ok)
            #expect(((fetched.json["status"] as? [String: Any])?["certificate"] as? String) != nil)
            let list = try await client.execute(
                uri: "\(Self.csrs)?fieldSelector=metadata.name%3Dnode-csr-worker-1&limit=500", method: .get,
                headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(list.json["kind"] as? String == "CertificateSigningRequestList")
            #expect((list.json["items"] as? [[String: Any]])?.count == 1)
            let none = try await client.execute(
                uri: "\(Self.csrs)?fieldSelector=metadata.name%3Dnope", method: .get,
                headers: headers(token: "abcdef.0123456789abcdef"))
            #expect((none.json["items"] as? [[String: Any]])?.count == 0)
            let duplicate = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try TestCSR.body(name: "node-csr-worker-1", pem: pem))
            #expect(duplicate.status == .conflict)
            #expect(duplicate.json["reason"] as? String == "AlreadyExists")
            #expect(
                duplicate.json["message"] as? String
                    == "certificatesigningrequests.certificates.k8s.io \"node-csr-worker-1\" already exists")
            let missing = try await client.execute(
                uri: "\(Self.csrs)/nope", method: .get, headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(
                missing.json["message"] as? String
                    == "certificatesigningrequests.certificates.k8s.io \"nope\" not found")

            // The join recorded where the node is, and the certificate is in the ledger.
            let node = try #require(try await cluster.store.node(named: "worker-1"))
            #expect(node.addresses == ["10.0.0.11", "fd00::11"])
            let serials = try await cluster.store.credentials().map(\.serial)
            #expect(serials.contains(certificate.serialHex))
            let actions = try await cluster.store.auditEvents(limit: nil).map(\.action)
            #expect(actions.contains(.certificateRequestApproved))
        }
        #expect(
            environment.metrics.render().contains(
                "clusterpki_csrs_signed_total{signer=\"kubernetes.io/kube-apiserver-client-kubelet\"} 1"))
    }

    @Test(arguments: [
        ("system:node:w", ["system:masters"], "kubernetes.io/kube-apiserver-client-kubelet", "PrivilegedOrganization"),
        ("system:node:w", ["system:nodes"], "kubernetes.io/kube-apiserver-client", "SignerNotAllowed"),
        ("kubernetes-admin", ["system:nodes"], "kubernetes.io/kube-apiserver-client-kubelet", "InvalidSubject"),
    ])
    func deniedRequestsAreNeverSigned(cn: String, orgs: [String], signer: String, reason: String) async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        let environment = cluster.environment()
        try await cluster.application(environment).test(.router) { client in
            let created = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try TestCSR.body(
                    name: "bad", pem: try TestCSR.pem(commonName: cn, organizations: orgs), signer: signer))
            #expect(created.status == .created)
            let condition = try #require(Self.conditions(created.json).first)
            #expect(condition["type"] as? String == "Denied")
            #expect(condition["reason"] as? String == reason)
            #expect(try Self.certificate(created.json) == nil)
        }
        #expect(environment.metrics.render().contains("clusterpki_csrs_denied_total"))
        #expect(try await cluster.store.credentials().isEmpty)
    }

    @Test func sansOnClientCSRAreDenied() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            let pem = try TestCSR.pem(
                commonName: "system:node:w", organizations: ["system:nodes"], dnsNames: ["evil.example"])
            let created = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try TestCSR.body(name: "sans", pem: pem))
            #expect(Self.conditions(created.json).first?["reason"] as? String == "SANsNotAllowed")
        }
    }

    /// ★ Serving CSRs: only the node's own names as recorded at its join (with a policy that denies the others; the
    /// default leaves them pending, see CSRApprovalRouteTests).
    @Test func kubeletServingOnlyForRecordedNames() async throws {
        var policy = try TestSupport.policy("kubeadm")
        var server = policy.serverPolicy
        server.certificateSigningRequests.unrecordedServingNames = .deny
        policy.server = server
        let cluster = try TestCluster(policy: policy)
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            let join = try await client.execute(
                uri: Self.csrs, method: .post,
                headers: headers(token: "abcdef.0123456789abcdef", address: "10.0.0.21", contentType: true),
                body: try TestCSR.body(
                    name: "node-csr-w2",
                    pem: try TestCSR.pem(commonName: "system:node:worker-2", organizations: ["system:nodes"]),
                    annotations: ["clusterpki.io/node-ip": "172.16.0.21"]))
            #expect(Self.conditions(join.json).first?["type"] as? String == "Approved")
            let nodeCredential = try await cluster.credential(
                commonName: "system:node:worker-2", organizations: ["system:nodes"])
            let servingUsages = ["digital signature", "server auth"]

            let good = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(credential: nodeCredential, contentType: true),
                body: try TestCSR.body(
                    name: "serving-ok",
                    pem: try TestCSR.pem(
                        commonName: "system:node:worker-2", organizations: ["system:nodes"], dnsNames: ["worker-2"],
                        ipAddresses: ["10.0.0.21", "172.16.0.21"]),
                    signer: "kubernetes.io/kubelet-serving", usages: servingUsages))
            #expect(Self.conditions(good.json).first?["type"] as? String == "Approved")
            let certificate = try #require(try Self.certificate(good.json))
            #expect(try certificate.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
            #expect(try certificate.extensions.subjectAlternativeNames?.contains(.dnsName("worker-2")) == true)

            let foreign = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(credential: nodeCredential, contentType: true),
                body: try TestCSR.body(
                    name: "serving-bad",
                    pem: try TestCSR.pem(
                        commonName: "system:node:worker-2", organizations: ["system:nodes"], ipAddresses: ["10.0.0.99"]),
                    signer: "kubernetes.io/kubelet-serving", usages: servingUsages))
            #expect(Self.conditions(foreign.json).first?["reason"] as? String == "SANNotOwnedByNode")

            // Self renewal: own CN approved, another node's CN denied.
            let renew = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(credential: nodeCredential, contentType: true),
                body: try TestCSR.body(
                    name: "renew",
                    pem: try TestCSR.pem(commonName: "system:node:worker-2", organizations: ["system:nodes"])))
            #expect(
                Self.conditions(renew.json).first?["message"] as? String
                    == "Auto approving self kubelet client certificate after SubjectAccessReview.")
            let steal = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(credential: nodeCredential, contentType: true),
                body: try TestCSR.body(
                    name: "steal",
                    pem: try TestCSR.pem(commonName: "system:node:worker-1", organizations: ["system:nodes"])))
            #expect(Self.conditions(steal.json).first?["reason"] as? String == "RequesterMismatch")
        }
    }

    @Test func watchStreamsEventsAsClientGoExpects() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            _ = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try TestCSR.body(
                    name: "node-csr-a",
                    pem: try TestCSR.pem(commonName: "system:node:a", organizations: ["system:nodes"])))
            let watch = try await client.execute(
                uri: "\(Self.csrs)?fieldSelector=metadata.name%3Dnode-csr-a&watch=true&timeoutSeconds=1", method: .get,
                headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(watch.status == .ok)
            #expect(watch.headers[.contentType] == "application/json;stream=watch")
            let lines = watch.text.split(separator: "\n")
            #expect(lines.count == 1)
            let event = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(event["type"] as? String == "ADDED")
            #expect(
                ((event["object"] as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String == "node-csr-a"
            )
        }
    }

    @Test func invalidBodiesAreInvalidOrBadRequest() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            let garbage = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: ByteBuffer(string: "{"))
            #expect(garbage.status == .badRequest)
            #expect(garbage.json["reason"] as? String == "BadRequest")
            let notPEM = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try TestCSR.body(name: "x", pem: "not a csr"))
            #expect(notPEM.status.code == 422)
            #expect(notPEM.json["reason"] as? String == "Invalid")
            let badIP = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try TestCSR.body(
                    name: "y", pem: try TestCSR.pem(commonName: "system:node:y", organizations: ["system:nodes"]),
                    annotations: ["clusterpki.io/node-ip": "not-an-ip"]))
            #expect(badIP.status.code == 422)
        }
    }

    /// The kubelet's digested names are base64url (upper case, `_`, `-`); the API server takes any path-safe name.
    @Test func kubeletDigestedNamesAreAccepted() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            let name = "node-csr-PTp5Wv92SPAlq0ElDHRO8oOcQw0GXR46Zj_zHBcxAUE"
            let created = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try TestCSR.body(
                    name: name, pem: try TestCSR.pem(commonName: "system:node:b", organizations: ["system:nodes"])))
            #expect(created.status == .created)
            let fetched = try await client.execute(
                uri: "\(Self.csrs)/\(name)", method: .get, headers: headers(token: "abcdef.0123456789abcdef"))
            #expect(fetched.status == .ok)
            let slash = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try TestCSR.body(
                    name: "a/b", pem: try TestCSR.pem(commonName: "system:node:b", organizations: ["system:nodes"])))
            #expect(slash.status.code == 422)
        }
    }

    @Test func generateNameIsHonoured() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            let object: [String: Any] = [
                "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                "metadata": ["generateName": "csr-"],
                "spec": [
                    "request": Data(try TestCSR.pem(commonName: "system:node:g", organizations: ["system:nodes"]).utf8)
                        .base64EncodedString(),
                    "signerName": "kubernetes.io/kube-apiserver-client-kubelet",
                    "usages": ["digital signature", "client auth"],
                ],
            ]
            let created = try await client.execute(
                uri: Self.csrs, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
            let name = (created.json["metadata"] as? [String: Any])?["name"] as? String ?? ""
            #expect(name.hasPrefix("csr-") && name.count == 9)
        }
    }
}
