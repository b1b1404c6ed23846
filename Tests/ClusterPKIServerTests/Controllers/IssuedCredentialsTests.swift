import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import X509

/// `POST /apis/clusterpki.io/v1alpha1/issuedcredentials`: what a joining control-plane node reports for the ledger.
@Suite struct IssuedCredentialsTests {
    static let path = APIPaths.issuedCredentials

    /// A client certificate as the kubeconfig phase mints it, not recorded yet.
    static func minted(
        _ cluster: TestCluster, commonName: String = "kubernetes-admin",
        organizations: [String] = ["kubeadm:cluster-admins"],
        issuer: CertificateAuthority? = nil, usages: [ExtendedKeyUsage.Usage] = [.clientAuth], notBefore: Date? = nil,
        notAfter: Date? = nil
    ) throws -> Certificate {
        let key = PrivateKeyMaterial.p256(P256.Signing.PrivateKey())
        let request = IssuanceRequest(
            commonName: commonName, organizations: organizations, keyUsage: KeyUsage(digitalSignature: true),
            extendedKeyUsages: usages, notBefore: notBefore ?? cluster.now - 300,
            notAfter: notAfter ?? cluster.now + 86400)
        return try (issuer ?? cluster.authority).sign(request, publicKey: key.publicKey)
    }

    static func body(_ certificate: Certificate) throws -> ByteBuffer {
        body(base64: Data(try PEMCertificates.encode([certificate]).utf8).base64EncodedString())
    }

    static func body(base64: String) -> ByteBuffer {
        ByteBuffer(bytes: try! KubernetesJSON.encode(IssuedCredentialObject(spec: .init(certificate: base64))))
    }

    @Test func aCertsDownloadTokenRecordsTheCertificateFromItsOwnFields() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        let certificate = try Self.minted(cluster, commonName: "system:kube-controller-manager", organizations: [])
        try await cluster.application().test(.router) { client in
            let response = try await client.execute(
                uri: Self.path, method: .post,
                headers: headers(token: "abcdef.0123456789abcdef", address: "198.51.100.20", contentType: true),
                body: try Self.body(certificate))
            #expect(response.status == .created, "\(response.text)")
            let object = try KubernetesJSON.decode(
                IssuedCredentialObject.self, from: Data(response.body.readableBytesView))
            #expect(object.kind == "IssuedCredential")
            #expect(object.apiVersion == "clusterpki.io/v1alpha1")
            #expect(object.metadata?.name == certificate.serialHex)
            #expect(
                object.status
                    == .init(
                        serial: certificate.serialHex, commonName: "system:kube-controller-manager", organizations: [],
                        notAfter: RFC3339.format(certificate.notValidAfter)))

            // The same serial twice is a conflict, and the ledger keeps one row.
            let again = try await client.execute(
                uri: Self.path, method: .post, headers: headers(token: "abcdef.0123456789abcdef", contentType: true),
                body: try Self.body(certificate))
            #expect(again.status == .conflict)
            #expect(again.json["reason"] as? String == "AlreadyExists")
        }
        let rows = try await cluster.store.credentials().filter { $0.serial == certificate.serialHex }
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.commonName == "system:kube-controller-manager")
        #expect(row.actor == "system:bootstrap:abcdef@198.51.100.20")
        #expect(abs(row.notAfter.timeIntervalSince(certificate.notValidAfter)) < 1)
        let events = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .credentialRecorded }
        #expect(events.contains { $0.detail.contains("serial=\(certificate.serialHex)") && $0.actor == row.actor })
    }

    @Test func anAdminMayReportButOtherIdentitiesMayNot() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        _ = try await cluster.token("zzzzzz.0123456789abcdef", groups: ["system:bootstrappers:other"])
        let admin = try await cluster.admin()
        let node = try await cluster.credential(commonName: "system:node:worker-1", organizations: ["system:nodes"])
        try await cluster.application().test(.router) { client in
            let byAdmin = try await client.execute(
                uri: Self.path, method: .post, headers: headers(credential: admin, contentType: true),
                body: try Self.body(try Self.minted(cluster)))
            #expect(byAdmin.status == .created)
            for (who, fields) in [
                ("another group's token", headers(token: "zzzzzz.0123456789abcdef", contentType: true)),
                ("a node", headers(credential: node, contentType: true)), ("anonymous", headers(contentType: true)),
            ] {
                let refused = try await client.execute(
                    uri: Self.path, method: .post, headers: fields, body: try Self.body(try Self.minted(cluster)))
                #expect(refused.status == .forbidden, "\(who): \(refused.text)")
                #expect(refused.json["kind"] as? String == "Status")
            }
        }
        #expect(
            try await cluster.store.credentials().count == 3, "the admin, the node and the one reported by the admin")
    }

    @Test func certificatesThatAreNotThisClustersClientCredentialsAreInvalid() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        let otherCA = try TestCluster.makeCA(commonName: "kubernetes", now: cluster.now)
        let cases: [(String, ByteBuffer, Int, String)] = [
            ("not JSON", ByteBuffer(string: "{"), 400, "not a valid IssuedCredential"),
            ("no spec", ByteBuffer(string: "{\"kind\":\"IssuedCredential\"}"), 400, "spec: Required value"),
            ("not base64", Self.body(base64: "%%%"), 422, "must be base64 of a PEM CERTIFICATE"),
            (
                "not a certificate", Self.body(base64: Data("hello".utf8).base64EncodedString()), 422,
                "must be base64 of a PEM CERTIFICATE"
            ),
            (
                "another CA", try Self.body(try Self.minted(cluster, issuer: otherCA)), 422,
                "not signed by a CA of the cluster's ca.crt"
            ),
            (
                "expired",
                try Self.body(try Self.minted(cluster, notBefore: cluster.now - 7200, notAfter: cluster.now - 60)), 422,
                "expired at"
            ),
            (
                "serverAuth only", try Self.body(try Self.minted(cluster, usages: [.serverAuth])), 422,
                "clientAuth is missing"
            ),
        ]
        try await cluster.application().test(.router) { client in
            for (what, body, code, message) in cases {
                let response = try await client.execute(
                    uri: Self.path, method: .post,
                    headers: headers(token: "abcdef.0123456789abcdef", contentType: true), body: body)
                #expect(Int(response.status.code) == code, "\(what): \(response.text)")
                #expect((response.json["message"] as? String)?.contains(message) == true, "\(what): \(response.text)")
                #expect(response.json["kind"] as? String == "Status")
            }
        }
        #expect(try await cluster.store.credentials().isEmpty)
    }
}
