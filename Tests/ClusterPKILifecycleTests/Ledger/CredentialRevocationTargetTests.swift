import ClusterPKIKubeconfig
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKILifecycle

/// `kubeconfig revoke`'s target: exactly one of a serial or a client name.
@Suite struct CredentialRevocationTargetTests {
    @Test func serialOrClientName() throws {
        #expect(try CredentialRevocation.Target(serial: "0a:1b", clientName: nil) == .serial("0a:1b"))
        #expect(try CredentialRevocation.Target(serial: nil, clientName: "amy") == .clientName("amy"))
    }

    @Test func neitherOrBothIsNoTarget() throws {
        #expect(try CredentialRevocation.Target(serial: nil, clientName: nil) == nil)
        #expect(try CredentialRevocation.Target(serial: "0a", clientName: "amy") == nil)
    }

    @Test func blankClientNameFails() {
        #expect(throws: KubeconfigError.emptyClientName) {
            try CredentialRevocation.Target(serial: nil, clientName: "  ")
        }
    }

    /// Both given wins over a blank name: the caller says "pass either", not "empty name".
    @Test func bothGivenIsCheckedFirst() throws {
        #expect(try CredentialRevocation.Target(serial: "0a", clientName: " ") == nil)
    }
}
