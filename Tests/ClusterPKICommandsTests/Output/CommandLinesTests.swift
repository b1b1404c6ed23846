import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIJoin
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// The one-line texts of `token`, `kubeconfig revoke` and `kubelet renew` (the e2e suites grep them).
@Suite struct CommandLinesTests {
    @Test func tokenLines() throws {
        #expect(TokenOutput.deleted("abcdef") == #"bootstrap token "abcdef" deleted"#)
        #expect(TokenOutput.swept(1) == "deleted 1 expired bootstrap token")
        #expect(TokenOutput.swept(0) == "deleted 0 expired bootstrap tokens")
        var token = BootstrapToken(
            token: try BootstrapTokenString(parsing: "abcdef.0123456789abcdef"), description: "",
            usages: [.authentication],
            groups: ["system:bootstrappers:a"], expires: nil, created: referenceNow)
        token.maxUses = 3
        let limited = TokenAuthentication(token: token, usesLeft: 2)
        #expect(
            TokenOutput.authenticated(limited) == [
                "user: system:bootstrap:abcdef", "groups: \(limited.groups.joined(separator: ","))", "uses left: 2",
            ])
        #expect(TokenOutput.authenticated(TokenAuthentication(token: token, usesLeft: nil)).count == 2)
    }

    @Test func revokedLine() throws {
        let record = try IssuedCredential(
            serial: "a1b2", commonName: "amy", organizations: ["dev", "ops"], notAfter: referenceNow,
            created: referenceNow, actor: "root")
        #expect(LedgerListing.revokedLine(record) == "[kubeconfig] Revoked credential a1b2 (CN=amy, O=dev,ops)")
    }

    @Test func kubeletDoneLine() {
        #expect(
            KubeletOutput.done(.init(trustUpdated: true, renewed: false, certificatePath: "/x"))
                == "[kubelet] done: trust updated, client certificate kept")
        #expect(
            KubeletOutput.done(.init(trustUpdated: false, renewed: true, certificatePath: "/x"))
                == "[kubelet] done: trust unchanged, client certificate renewed")
    }
}
