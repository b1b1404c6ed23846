import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKISQLiteStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKILifecycle

/// The kubeconfig side of the ledger: records of minted certificates, revocation checks, the listing.
/// (The store's own behaviour is tested in ClusterPKIStoreTests.)
@Suite struct LedgerTests {
    static func record(_ serial: String, _ name: String, created: TimeInterval) throws -> IssuedCredential {
        try IssuedCredential(
            serial: serial, commonName: name, organizations: ["dev"],
            notAfter: Date(timeIntervalSince1970: created + 86400),
            created: Date(timeIntervalSince1970: created), actor: "alice")
    }

    @Test func revokedCertificatesAreReportedAndRefusedForRenewal() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let ledger = try cluster.ledger()
        let minter = UserCredentialMinter(context: cluster.context)
        let kept = try await minter.mint(
            UserCredentialRequest(clientName: "amy"),
            recorder: LedgerRecorder(ledger: ledger, actor: "root", now: Date()))
        let revoked = try await minter.mint(
            UserCredentialRequest(clientName: "bob"),
            recorder: LedgerRecorder(ledger: ledger, actor: "root", now: Date()))
        let keptCertificate = try KubeconfigDocument(text: kept.yaml, path: "amy").clientCertificate()
        let revokedCertificate = try KubeconfigDocument(text: revoked.yaml, path: "bob").clientCertificate()
        #expect(try await ledger.isRevoked(revokedCertificate) == false)

        _ = try await ledger.revokeCredentials(clientName: "bob", actor: "root", now: Date())
        #expect(try await ledger.isRevoked(revokedCertificate))
        #expect(try await ledger.isRevoked(keptCertificate) == false)
        #expect(try await ledger.renewalRefusal(keptCertificate) == nil)
        #expect(
            try await ledger.renewalRefusal(revokedCertificate)?.contains("revoked in the credential ledger") == true)
    }

    @Test func recordComesFromTheCertificate() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let minted = try await UserCredentialMinter(context: cluster.context)
            .mint(
                UserCredentialRequest(clientName: "carol", organizations: ["dev"]),
                recorder: LedgerRecorder(ledger: try cluster.ledger(), actor: "sudoer", now: Date()))
        let certificate = try KubeconfigDocument(text: minted.yaml, path: "carol").clientCertificate()
        let record = try #require(try await recorded(minted, in: try cluster.ledger()))
        #expect(record.serial == certificate.serialHex)
        #expect(!record.serial.hasPrefix("0") && record.serial == record.serial.lowercased())
        #expect(record.notAfter == certificate.notValidAfter)
        #expect(record.commonName == "carol" && record.organizations == ["dev"] && record.actor == "sudoer")
    }

    @Test func actorPrefersSudoUser() {
        #expect(LedgerActor.current(environment: ["SUDO_USER": "alice", "USER": "root"]) == "alice")
        #expect(LedgerActor.current(environment: ["USER": "bob"]) == "bob")
        #expect(LedgerActor.current(environment: [:]).hasPrefix("uid "))
    }
}
