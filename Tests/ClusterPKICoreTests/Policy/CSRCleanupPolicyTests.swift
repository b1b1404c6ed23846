import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

/// `server.certificateSigningRequests.deniedTTL`, `approvedTTL`, `pendingTTL` and `maxDeniedPerRequester`: shipped
/// values, defaults, refusals.
@Suite struct CSRCleanupPolicyTests {
    @Test func shippedPoliciesSetBothAndTheDefaultsAreKubeControllerManagers() throws {
        let defaults = ServerPolicy.CSRPolicy()
        #expect(defaults.deniedTTL.seconds == 3600 && defaults.maxDeniedPerRequester == 100)
        let kubeadm = try TestSupport.policy("kubeadm").serverPolicy.certificateSigningRequests
        #expect(kubeadm.deniedTTL.seconds == 3600 && kubeadm.maxDeniedPerRequester == 100)
        let hardened = try TestSupport.policy("hardened").serverPolicy.certificateSigningRequests
        #expect(hardened.deniedTTL.seconds == 3600 && hardened.maxDeniedPerRequester == 20)
        for policy in [defaults, kubeadm, hardened] {
            #expect(policy.approvedTTL.seconds == 3600 && policy.pendingTTL.seconds == 86400)
        }
    }

    @Test func missingFieldsTakeTheDefaults() throws {
        let text = try TestSupport.policyText("kubeadm")
        let without = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in
                !["deniedTTL", "approvedTTL", "pendingTTL", "maxDeniedPerRequester"].contains {
                    line.hasPrefix("    \($0):")
                }
            }
            .joined(separator: "\n")
        #expect(!without.contains("deniedTTL") && !without.contains("maxDeniedPerRequester"))
        #expect(!without.contains("approvedTTL") && !without.contains("pendingTTL"))
        let policy = try PKIPolicy(yaml: without).serverPolicy.certificateSigningRequests
        #expect(policy.deniedTTL.seconds == 3600 && policy.maxDeniedPerRequester == 100)
        #expect(policy.approvedTTL.seconds == 3600 && policy.pendingTTL.seconds == 86400)
        let set = try PKIPolicy(
            yaml: text.replacingOccurrences(of: "    deniedTTL: 1h ", with: "    deniedTTL: 90m "))
        #expect(set.serverPolicy.certificateSigningRequests.deniedTTL.seconds == 5400)
        let longer = try PKIPolicy(
            yaml: text.replacingOccurrences(of: "    approvedTTL: 1h ", with: "    approvedTTL: 6h ")
                .replacingOccurrences(of: "    pendingTTL: 24h ", with: "    pendingTTL: 72h "))
        #expect(longer.serverPolicy.certificateSigningRequests.approvedTTL.seconds == 6 * 3600)
        #expect(longer.serverPolicy.certificateSigningRequests.pendingTTL.seconds == 72 * 3600)
    }

    @Test(arguments: [
        ("    deniedTTL: 1h ", "    deniedTTL: 0s ", "server.certificateSigningRequests.deniedTTL"),
        ("    deniedTTL: 1h ", "    deniedTTL: -1h ", "server.certificateSigningRequests.deniedTTL"),
        ("    deniedTTL: 1h ", "    deniedTTL: soon ", "deniedTTL"),
        ("    approvedTTL: 1h ", "    approvedTTL: 0s ", "server.certificateSigningRequests.approvedTTL"),
        ("    approvedTTL: 1h ", "    approvedTTL: later ", "approvedTTL"),
        ("    pendingTTL: 24h ", "    pendingTTL: -24h ", "server.certificateSigningRequests.pendingTTL"),
        (
            "    maxDeniedPerRequester: 100 ", "    maxDeniedPerRequester: 0 ",
            "server.certificateSigningRequests.maxDeniedPerRequester"
        ),
        (
            "    maxDeniedPerRequester: 100 ", "    maxDeniedPerRequester: -5 ",
            "server.certificateSigningRequests.maxDeniedPerRequester"
        ),
        ("    maxDeniedPerRequester: 100 ", "    maxDeniedPerRequester: many ", "maxDeniedPerRequester"),
    ])
    func invalidValueIsRefusedNamingTheField(old: String, new: String, field: String) throws {
        let text = try TestSupport.policyText("kubeadm")
        #expect(text.contains(old), "fixture drifted: \(old)")
        let error = try #require(throws: PKIError.self) {
            try PKIPolicy(yaml: text.replacingOccurrences(of: old, with: new))
        }
        #expect(error.message.contains(field), "\(error.message)")
    }
}
