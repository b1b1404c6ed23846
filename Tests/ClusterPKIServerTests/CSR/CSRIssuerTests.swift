import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
import X509

/// The CSR service through a real SQLite store: decision, signing and records, all in one transaction or none.
@Suite struct CSRIssuerTests {
    static let bootstrapToken = CSRApproverTests.bootstrapToken

    static func issuer(_ cluster: TestCluster) -> CSRIssuer {
        let clock = cluster.clock
        return CSRIssuer(
            store: cluster.store, policy: cluster.policy,
            authorities: ClusterCAWatcher(fixed: cluster.authority, bundlePEM: cluster.caPEM),
            now: { clock.withLockedValue { $0 } })
    }

    static func object(
        name: String, commonName: String, organizations: [String] = ["system:nodes"], dnsNames: [String] = [],
        ipAddresses: [String] = [],
        signer: String = CertificateSigningRequestObject.kubeletClientSigner,
        usages: [String] = ["digital signature", "client auth"],
        expirationSeconds: Int? = nil, annotations: [String: String]? = nil
    ) throws -> CertificateSigningRequestObject {
        let pem = try TestCSR.pem(
            commonName: commonName, organizations: organizations, dnsNames: dnsNames, ipAddresses: ipAddresses)
        return CertificateSigningRequestObject(
            metadata: ObjectMeta(name: name, annotations: annotations),
            spec: .init(
                request: Data(pem.utf8).base64EncodedString(), signerName: signer, expirationSeconds: expirationSeconds,
                usages: usages))
    }

    @Test func approvedRequestIsSignedAndStoredWithItsRecords() async throws {
        let cluster = try TestCluster()
        let issued = try await Self.issuer(cluster).issue(
            try Self.object(
                name: "node-csr-a", commonName: "system:node:a",
                annotations: [CertificateSigningRequestObject.nodeIPAnnotation: "172.16.0.5"]),
            requester: Self.bootstrapToken, client: "10.0.0.5")

        #expect(issued.decision.isApproved)
        let certificate = try #require(issued.certificate)
        #expect(cluster.authority.issued(certificate))
        #expect(certificate.commonName == "system:node:a" && certificate.organizations == ["system:nodes"])
        #expect(issued.object.spec.username == "system:bootstrap:abcdef")
        #expect(issued.object.status?.conditions?.first?.type == "Approved")

        // The response body is the stored object with its resource version, byte for byte what a GET decodes to.
        let stored = try #require(try await cluster.store.certificateRequest(named: "node-csr-a"))
        var fromStore = try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: stored.object)
        fromStore.metadata.resourceVersion = String(stored.resourceVersion)
        #expect(try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: issued.json) == fromStore)
        #expect(issued.object == fromStore)

        let credential = try #require(try await cluster.store.credentials().first)
        #expect(credential.serial == certificate.serialHex && credential.actor == "system:bootstrap:abcdef")
        let events = try await cluster.store.auditEvents(limit: nil).filter { $0.action == .certificateRequestApproved }
        #expect(events.map(\.detail) == ["node-csr-a serial=\(certificate.serialHex)"])
        #expect(events.first?.actor == "system:bootstrap:abcdef@10.0.0.5" && events.first?.tokenID == "abcdef")
        #expect(try await cluster.store.node(named: "a")?.addresses == ["10.0.0.5", "172.16.0.5"])
    }

    @Test func deniedRequestIsStoredWithReasonAndMessageAndNothingSigned() async throws {
        let cluster = try TestCluster()
        let issued = try await Self.issuer(cluster).issue(
            try Self.object(name: "bad", commonName: "system:node:a", organizations: ["system:masters"]),
            requester: Self.bootstrapToken,
            client: "10.0.0.5")

        #expect(
            issued.decision
                == .deny(reason: "PrivilegedOrganization", message: "O=system:masters is never issued for a CSR"))
        #expect(issued.certificate == nil)
        let condition = try #require(issued.object.status?.conditions?.first)
        #expect(condition.type == "Denied" && condition.reason == "PrivilegedOrganization")
        #expect(condition.message == "O=system:masters is never issued for a CSR")
        #expect(issued.object.status?.certificate == nil)
        #expect(try await cluster.store.certificateRequest(named: "bad") != nil)
        #expect(try await cluster.store.credentials().isEmpty)
        #expect(try await cluster.store.node(named: "a") == nil)
        #expect(try await cluster.store.auditEvents(limit: nil).map(\.detail) == ["bad reason=PrivilegedOrganization"])
    }

    /// A taken name is found by the insert: the second request's certificate, ledger row, audit event and node record
    /// are all dropped with it.
    @Test func takenNameRecordsNothing() async throws {
        let cluster = try TestCluster()
        let issuer = Self.issuer(cluster)
        let first = try await issuer.issue(
            try Self.object(name: "node-csr-x", commonName: "system:node:a"), requester: Self.bootstrapToken,
            client: "10.0.0.5")
        let events = try await cluster.store.auditEvents(limit: nil)
        #expect(events.contains { $0.action == .nodeRecorded })
        await #expect(throws: StoreError.certificateRequestAlreadyExists(name: "node-csr-x")) {
            try await issuer.issue(
                try Self.object(name: "node-csr-x", commonName: "system:node:b"), requester: Self.bootstrapToken,
                client: "10.0.0.6")
        }
        #expect(try await cluster.store.credentials().map(\.serial) == [try #require(first.certificate).serialHex])
        #expect(try await cluster.store.auditEvents(limit: nil) == events)
        #expect(try await cluster.store.node(named: "b") == nil)
        let stored = try #require(try await cluster.store.certificateRequest(named: "node-csr-x"))
        #expect(
            try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: stored.object).spec.request
                == first.object.spec.request)
    }

    @Test(arguments: [
        (
            599,
            "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)"
        )
    ])
    func invalidObjectIsRefusedBeforeAnythingIsStored(expirationSeconds: Int, problem: String) async throws {
        let cluster = try TestCluster()
        await #expect(
            throws: KubernetesStatus.invalid(
                "certificatesigningrequests", group: "certificates.k8s.io", name: "short", problem)
        ) {
            try await Self.issuer(cluster).issue(
                try Self.object(name: "short", commonName: "system:node:a", expirationSeconds: expirationSeconds),
                requester: Self.bootstrapToken,
                client: "10.0.0.5")
        }
        #expect(try await cluster.store.certificateRequests().isEmpty)
        #expect(try await cluster.store.auditEvents(limit: nil).isEmpty)
    }
}
