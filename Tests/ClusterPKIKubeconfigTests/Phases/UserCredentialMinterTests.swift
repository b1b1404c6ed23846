import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
import X509

@testable import ClusterPKIKubeconfig

@Suite struct UserCredentialMinterTests {
    @Test func mintsWithThePolicyDefaultValidityAndRecordsIt() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let ledger = try cluster.ledger()
        let minted = try await UserCredentialMinter(context: cluster.context)
            .mint(
                UserCredentialRequest(clientName: "alice", organizations: ["dev", "ops"]),
                recorder: LedgerRecorder(ledger: ledger, actor: "root", now: Date()))

        let config = try KubeConfig(yaml: minted.yaml, path: "stdout")
        #expect(config.currentContext == "alice@kubernetes")
        #expect(config.clusters[0].cluster.server == "https://lb.example.com:6443")
        let document = try KubeconfigDocument(text: minted.yaml, path: "stdout")
        let certificate = try document.clientCertificate()
        #expect(certificate.subject.kubernetesIdentity.commonName == "alice")
        #expect(certificate.subject.kubernetesIdentity.organizations == ["dev", "ops"])
        #expect(abs(certificate.notValidAfter.timeIntervalSince(Date()) - 24 * 3600) < 30)

        let record = try #require(try await recorded(minted, in: try cluster.ledger()))
        #expect(record.serial == certificate.serialHex)
        #expect(try await ledger.credentials().map(\.serial) == [record.serial])
        #expect(record.actor == "root" && record.commonName == "alice" && record.organizations == ["dev", "ops"])
    }

    @Test func honoursServerAndValidityFlags() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let minted = try await UserCredentialMinter(context: cluster.context).mint(
            UserCredentialRequest(
                clientName: "bob", validity: try GoDuration(parsing: "2h"), server: "https://127.0.0.1:7443"),
            recorder: LedgerRecorder(ledger: try cluster.ledger(), actor: "x", now: Date()))
        let record = try #require(try await recorded(minted, in: try cluster.ledger()))
        #expect(abs(record.notAfter.timeIntervalSince(Date()) - 7200) < 30)
        #expect(try KubeConfig(yaml: minted.yaml, path: "").clusters[0].cluster.server == "https://127.0.0.1:7443")
    }

    @Test func tokenKubeconfigHasNoCertificateAndRecordsNothing() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let ledger = try cluster.ledger()
        let minted = try await UserCredentialMinter(context: cluster.context)
            .mint(
                UserCredentialRequest(clientName: "ci", token: "abcdef.0123456789abcdef"),
                recorder: LedgerRecorder(ledger: ledger, actor: "x", now: Date()))
        let config = try KubeConfig(yaml: minted.yaml, path: "")
        #expect(config.users == [.init(name: "ci", user: .init(token: "abcdef.0123456789abcdef"))])
        #expect(minted.certificate == nil)
        #expect(try await ledger.credentials().isEmpty)
    }

    static let refusals: [(UserCredentialRequest, KubeconfigError)] = [
        (UserCredentialRequest(clientName: "  "), .emptyClientName),
        (
            UserCredentialRequest(clientName: "eve", organizations: ["system:masters"]),
            .privilegedOrganization("system:masters")
        ),
        (UserCredentialRequest(clientName: "eve", organizations: ["dev", ""]), .emptyOrganization),
        (
            UserCredentialRequest(clientName: "eve", validity: GoDuration(seconds: 8761 * 3600)),
            .validityAboveMaximum(requested: "8761h0m0s", maximum: "8760h0m0s")
        ),
        (UserCredentialRequest(clientName: "eve", validity: GoDuration(seconds: 0)), .nonPositiveValidity("0s")),
        (UserCredentialRequest(clientName: "eve", token: ""), .emptyToken),
        (
            UserCredentialRequest(clientName: "eve", organizations: ["dev"], token: "abcdef.0123456789abcdef"),
            .organizationsWithToken
        ),
    ]

    @Test(arguments: refusals)
    func refusesBadInputAndRecordsNothing(_ request: UserCredentialRequest, _ expected: KubeconfigError) async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let ledger = try cluster.ledger()
        await #expect(throws: expected) {
            try await UserCredentialMinter(context: cluster.context).mint(
                request, recorder: LedgerRecorder(ledger: ledger, actor: "x", now: Date()))
        }
        #expect(try await ledger.credentials().isEmpty)
    }

    @Test func superuserNeedsExplicitPermission() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let minted = try await UserCredentialMinter(context: cluster.context).mint(
            UserCredentialRequest(
                clientName: "kubernetes-super-admin", organizations: ["system:masters"], allowSuperuser: true),
            recorder: LedgerRecorder(ledger: try cluster.ledger(), actor: "x", now: Date()))
        #expect(try await recorded(minted, in: try cluster.ledger())?.organizations == ["system:masters"])
    }

    @Test func externalCACannotMint() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        try FileManager.default.removeItem(at: cluster.context.directory.url("ca", "key"))
        await #expect {
            try await UserCredentialMinter(context: cluster.context).mint(
                UserCredentialRequest(clientName: "a"),
                recorder: LedgerRecorder(ledger: try cluster.ledger(), actor: "x", now: Date()))
        } throws: { error in
            if case KubeconfigError.externalCA = error { return true }
            return false
        }
    }

    /// `clusterpki serve` passes the CA it follows: signed by that signer, trusting the whole bundle, same rules.
    @Test func mintsWithAGivenAuthorityAndBundle() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let signer = try TestCluster.makeCA(commonName: "kubernetes-next", now: Date())
        let bundle = try PEMCertificates.encode([signer.certificate]) + (try cluster.caCertificatePEM())
        let authority = MintingAuthority(signer: signer, bundlePEM: bundle)
        let minter = UserCredentialMinter(context: cluster.context)
        let minted = try await minter.mint(
            UserCredentialRequest(clientName: "carol", organizations: ["dev"]), authority: authority,
            recorder: LedgerRecorder(ledger: try cluster.ledger(), actor: "x", now: Date()))

        let config = try KubeConfig(yaml: minted.yaml, path: "stdout")
        #expect(config == minted.config)
        #expect(config.clusters[0].cluster.certificateAuthorityData == Data(bundle.utf8).base64EncodedString())
        #expect(signer.issued(try #require(minted.certificate)))
        #expect(try await recorded(minted, in: try cluster.ledger())?.organizations == ["dev"])

        await #expect(throws: KubeconfigError.privilegedOrganization("system:masters")) {
            try await minter.mint(
                UserCredentialRequest(clientName: "eve", organizations: ["system:masters"]), authority: authority,
                recorder: LedgerRecorder(ledger: try cluster.ledger(), actor: "x", now: Date()))
        }
        #expect(try await cluster.ledger().credentials().count == 1)
    }
}
