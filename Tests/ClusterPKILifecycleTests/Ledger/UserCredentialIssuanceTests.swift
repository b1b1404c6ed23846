import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKILifecycle

/// `kubeconfig user`: validate, open the ledger only for a certificate, mint and record.
@Suite struct UserCredentialIssuanceTests {
    struct LedgerOpened: Error {}

    @Test func badInputFailsBeforeTheLedgerIsOpened() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        await #expect(throws: KubeconfigError.privilegedOrganization("system:masters")) {
            try await UserCredentialIssuance.issue(
                UserCredentialRequest(clientName: "amy", organizations: ["system:masters"]), context: cluster.context,
                actor: "root"
            ) { throw LedgerOpened() }
        }
    }

    @Test func aTokenKubeconfigNeverOpensTheLedger() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let result = try await UserCredentialIssuance.issue(
            UserCredentialRequest(clientName: "amy", token: "abcdef.0123456789abcdef"), context: cluster.context,
            actor: "root"
        ) { throw LedgerOpened() }
        #expect(result.certificate == nil)
        #expect(result.yaml.contains("token: abcdef.0123456789abcdef"))
    }

    @Test func aCertificateIsRecordedAsTheActor() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let ledger = try cluster.ledger()
        let result = try await UserCredentialIssuance.issue(
            UserCredentialRequest(clientName: "amy", organizations: ["dev"]), context: cluster.context, actor: "root"
        ) { ledger }
        let certificate = try #require(result.certificate)
        let records = try await ledger.credentials()
        #expect(records.map(\.serial) == [certificate.serialHex])
        #expect(
            records.first?.actor == "root" && records.first?.commonName == "amy"
                && records.first?.organizations == ["dev"])
    }

    @Test func aLedgerThatCannotOpenStopsTheMint() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        await #expect(throws: LedgerOpened.self) {
            try await UserCredentialIssuance.issue(
                UserCredentialRequest(clientName: "amy"), context: cluster.context, actor: "root"
            ) {
                throw LedgerOpened()
            }
        }
    }
}
