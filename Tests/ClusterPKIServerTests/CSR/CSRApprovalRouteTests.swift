import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import X509

/// What `kubectl certificate approve|deny NAME` and `kubectl delete csr NAME` send, for admins only: a serving CSR the
/// policy left pending is signed on approval (object, audit event and ledger row in one transaction), a denial
/// records the Denied condition, and a deleted CSR is gone at once.
@Suite struct CSRApprovalRouteTests {
    static let csrs = CSRRouteTests.csrs

    /// A pending serving CSR `serving-pending` (IP 10.0.0.99 was not recorded for worker-2 at its join).
    static func pendingServingCSR(_ cluster: TestCluster, _ client: some TestClientProtocol) async throws -> [String:
        Any]
    {
        let join = try await client.execute(
            uri: csrs, method: .post,
            headers: headers(token: "abcdef.0123456789abcdef", address: "10.0.0.21", contentType: true),
            body: try TestCSR.body(
                name: "node-csr-w2",
                pem: try TestCSR.pem(commonName: "system:node:worker-2", organizations: ["system:nodes"])))
        #expect(CSRRouteTests.conditions(join.json).first?["type"] as? String == "Approved")
        let node = try await cluster.credential(commonName: "system:node:worker-2", organizations: ["system:nodes"])
        let created = try await client.execute(
            uri: csrs, method: .post, headers: headers(credential: node, contentType: true),
            body: try TestCSR.body(
                name: "serving-pending",
                pem: try TestCSR.pem(
                    commonName: "system:node:worker-2", organizations: ["system:nodes"], ipAddresses: ["10.0.0.99"]),
                signer: "kubernetes.io/kubelet-serving", usages: ["digital signature", "server auth"]))
        #expect(created.status == .created)
        return created.json
    }

    /// The body kubectl sends: the object as fetched, plus the condition.
    static func decision(_ object: [String: Any], type: String, reason: String, message: String) throws -> ByteBuffer {
        var object = object
        var status = object["status"] as? [String: Any] ?? [:]
        var conditions = status["conditions"] as? [[String: Any]] ?? []
        conditions.append([
            "type": type, "status": "True", "reason": reason, "message": message,
            "lastUpdateTime": "2026-01-01T00:00:00Z",
        ])
        status["conditions"] = conditions
        object["status"] = status
        return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    @Test func pendingServingCSRIsSignedWhenAnAdminApprovesIt() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let pending = try await Self.pendingServingCSR(cluster, client)
            #expect(CSRRouteTests.conditions(pending).isEmpty)
            #expect(try CSRRouteTests.certificate(pending) == nil)
            let ledgerBefore = try await cluster.store.credentials().count

            let approved = try await client.execute(
                uri: "\(Self.csrs)/serving-pending/approval", method: .put,
                headers: headers(credential: admin, contentType: true),
                body: try Self.decision(
                    pending, type: "Approved", reason: "KubectlApprove",
                    message: "This CSR was approved by kubectl certificate approve."))
            #expect(approved.status == .ok)
            let condition = try #require(CSRRouteTests.conditions(approved.json).first)
            #expect(condition["type"] as? String == "Approved")
            #expect(condition["reason"] as? String == "KubectlApprove")
            let certificate = try #require(try CSRRouteTests.certificate(approved.json))
            #expect(cluster.authority.issued(certificate))
            #expect(try CertificateNames(of: certificate).ipAddresses == [IPAddress("10.0.0.99")!])
            #expect(try certificate.extensions.extendedKeyUsage?.contains(.serverAuth) == true)

            // One transaction: the stored object has the certificate, the ledger its row, the audit log the approval.
            let fetched = try await client.execute(
                uri: "\(Self.csrs)/serving-pending", method: .get, headers: headers(credential: admin))
            #expect(try CSRRouteTests.certificate(fetched.json) == certificate)
            let ledger = try await cluster.store.credentials()
            #expect(ledger.count == ledgerBefore + 1)
            #expect(ledger.contains { $0.serial == certificate.serialHex && $0.actor == "kubernetes-admin" })
            let audit = try await cluster.store.auditEvents(limit: nil)
            #expect(
                audit.contains { $0.action == .certificateRequestPending && $0.detail.hasPrefix("serving-pending") })
            #expect(
                audit.contains {
                    $0.action == .certificateRequestApproved && $0.detail.contains("approvedBy=kubernetes-admin")
                })

            // Approving again changes nothing; denying an approved CSR is refused.
            let again = try await client.execute(
                uri: "\(Self.csrs)/serving-pending/approval", method: .put,
                headers: headers(credential: admin, contentType: true),
                body: try Self.decision(pending, type: "Approved", reason: "KubectlApprove", message: "again"))
            #expect(again.status == .ok)
            #expect(try CSRRouteTests.certificate(again.json) == certificate)
            #expect(try await cluster.store.credentials().count == ledgerBefore + 1)
            let deny = try await client.execute(
                uri: "\(Self.csrs)/serving-pending/approval", method: .put,
                headers: headers(credential: admin, contentType: true),
                body: try Self.decision(pending, type: "Denied", reason: "KubectlDeny", message: "no"))
            #expect(deny.status == .unprocessableContent)
            #expect(deny.json["reason"] as? String == "Invalid")
        }
    }

    @Test func denialRecordsTheDeniedCondition() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let pending = try await Self.pendingServingCSR(cluster, client)
            let denied = try await client.execute(
                uri: "\(Self.csrs)/serving-pending/approval", method: .put,
                headers: headers(credential: admin, contentType: true),
                body: try Self.decision(
                    pending, type: "Denied", reason: "KubectlDeny",
                    message: "This CSR was denied by kubectl certificate deny."))
            #expect(denied.status == .ok)
            let condition = try #require(CSRRouteTests.conditions(denied.json).first)
            #expect(condition["type"] as? String == "Denied")
            #expect(condition["reason"] as? String == "KubectlDeny")
            #expect(try CSRRouteTests.certificate(denied.json) == nil)
            let audit = try await cluster.store.auditEvents(limit: nil)
            #expect(
                audit.contains {
                    $0.action == .certificateRequestDenied && $0.detail.contains("deniedBy=kubernetes-admin")
                })
        }
    }

    /// Only admins decide or delete; a node cannot approve its own pending CSR.
    @Test func nodesAndTokensCannotApproveOrDelete() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        try await cluster.application().test(.router) { client in
            let pending = try await Self.pendingServingCSR(cluster, client)
            let node = try await cluster.credential(commonName: "system:node:worker-2", organizations: ["system:nodes"])
            let approve = try await client.execute(
                uri: "\(Self.csrs)/serving-pending/approval", method: .put,
                headers: headers(credential: node, contentType: true),
                body: try Self.decision(pending, type: "Approved", reason: "KubectlApprove", message: "self"))
            #expect(approve.status == .forbidden)
            let delete = try await client.execute(
                uri: "\(Self.csrs)/serving-pending", method: .delete, headers: headers(token: "abcdef.0123456789abcdef")
            )
            #expect(delete.status == .forbidden)
            let fetched = try await client.execute(
                uri: "\(Self.csrs)/serving-pending", method: .get, headers: headers(credential: node))
            #expect(CSRRouteTests.conditions(fetched.json).isEmpty)
        }
    }

    /// A missing CSR is 404 whatever the body names (schemathesis found a 400 here); a body naming another CSR than an
    /// existing one in the URL is 400, as the API server answers.
    @Test func approvalOfAMissingCSRIsNotFoundAndANameMismatchIsBadRequest() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            let pending = try await Self.pendingServingCSR(cluster, client)
            let body = try Self.decision(pending, type: "Approved", reason: "KubectlApprove", message: "ok")
            let missing = try await client.execute(
                uri: "\(Self.csrs)/no-such-csr/approval", method: .put,
                headers: headers(credential: admin, contentType: true), body: body)
            #expect(missing.status == .notFound)
            var renamed = pending
            var metadata = try #require(pending["metadata"] as? [String: Any])
            metadata["name"] = "another-csr"
            renamed["metadata"] = metadata
            let mismatch = try await client.execute(
                uri: "\(Self.csrs)/serving-pending/approval", method: .put,
                headers: headers(credential: admin, contentType: true),
                body: try Self.decision(renamed, type: "Approved", reason: "KubectlApprove", message: "ok"))
            #expect(mismatch.status == .badRequest)
            #expect((mismatch.json["message"] as? String)?.contains("does not match the name on the URL") == true)
        }
    }

    @Test func adminDeletesACSRAtOnce() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        let admin = try await cluster.admin()
        try await cluster.application().test(.router) { client in
            _ = try await Self.pendingServingCSR(cluster, client)
            let deleted = try await client.execute(
                uri: "\(Self.csrs)/serving-pending", method: .delete, headers: headers(credential: admin))
            #expect(deleted.status == .ok)
            #expect(deleted.json["kind"] as? String == "CertificateSigningRequest")
            #expect((deleted.json["metadata"] as? [String: Any])?["name"] as? String == "serving-pending")
            let gone = try await client.execute(
                uri: "\(Self.csrs)/serving-pending", method: .get, headers: headers(credential: admin))
            #expect(gone.status == .notFound)
            let again = try await client.execute(
                uri: "\(Self.csrs)/serving-pending", method: .delete, headers: headers(credential: admin))
            #expect(again.status == .notFound)
            let audit = try await cluster.store.auditEvents(limit: nil)
            #expect(audit.contains { $0.action == .certificateRequestDeleted && $0.detail == "serving-pending" })
        }
    }

    /// Discovery lists the new verbs, so kubectl knows it may delete and update the approval subresource.
    @Test func discoveryListsDeleteAndTheApprovalSubresource() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(uri: "/apis/certificates.k8s.io/v1", method: .get)
            let resources = try #require(response.json["resources"] as? [[String: Any]])
            let csrs = try #require(resources.first { $0["name"] as? String == "certificatesigningrequests" })
            #expect((csrs["verbs"] as? [String])?.contains("delete") == true)
            let approval = try #require(
                resources.first { $0["name"] as? String == "certificatesigningrequests/approval" })
            #expect((approval["verbs"] as? [String]) == ["update"])
            let openAPI = try await client.execute(uri: "/openapi/v3/apis/certificates.k8s.io/v1", method: .get)
            #expect(openAPI.text.contains("/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}/approval"))
        }
    }
}
