import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// `kubeconfig user`'s stderr: the minter's warnings, then the recorded serial.
@Suite struct UserKubeconfigOutputTests {
    @Test func certificateKubeconfigNamesTheRecordedSerial() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let ledger = try cluster.ledger()
        let result = try await UserCredentialIssuance.issue(
            UserCredentialRequest(clientName: "amy"), context: cluster.context, actor: "root"
        ) { ledger }
        let certificate = try #require(result.certificate)
        #expect(
            UserKubeconfigOutput.stderrLines(result, clientName: "amy") == result.warnings + [
                "[kubeconfig] Recorded credential serial \(certificate.serialHex) for amy, valid until \(certificate.notValidAfter.formatted(.iso8601))"
            ])
        #expect(
            UserKubeconfigOutput.stderrLines(result, clientName: "amy").last?.hasPrefix(
                "[kubeconfig] Recorded credential serial ") == true)
    }

    @Test func tokenKubeconfigPrintsNothingToStderr() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let result = try await UserCredentialIssuance.issue(
            UserCredentialRequest(clientName: "amy", token: "abcdef.0123456789abcdef"), context: cluster.context,
            actor: "root"
        ) { try cluster.ledger() }
        #expect(UserKubeconfigOutput.stderrLines(result, clientName: "amy").isEmpty)
    }
}
