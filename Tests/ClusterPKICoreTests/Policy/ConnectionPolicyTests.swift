import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

/// `server.connections`: defaults when absent, the shipped values, and refusals that name the field.
@Suite struct ConnectionPolicyTests {
    @Test func shippedPoliciesSetEveryConnectionLimit() throws {
        let kubeadm = try TestSupport.policy("kubeadm").serverPolicy.connections
        #expect(kubeadm == ServerPolicy.ConnectionPolicy())
        #expect(
            kubeadm.maxConnections == 1000 && kubeadm.handshakeTimeout.seconds == 10
                && kubeadm.requestHeaderTimeout.seconds == 10)
        #expect(
            kubeadm.requestBodyTimeout.seconds == 30 && kubeadm.idleTimeout.seconds == 90
                && kubeadm.maxWatchesPerIdentity == 10)
        let hardened = try TestSupport.policy("hardened").serverPolicy.connections
        #expect(
            hardened.handshakeTimeout.seconds == 5 && hardened.idleTimeout.seconds == 60
                && hardened.maxWatchesPerIdentity == 5)
        for name in ["kubeadm", "hardened"] {
            let text = try TestSupport.policyText(name)
            #expect(
                text.contains("\n  connections: ") && text.contains("\n    maxConnections: "),
                "\(name).yaml documents the section")
        }
    }

    @Test func missingSectionOrFieldTakesTheDefault() throws {
        let text = try TestSupport.policyText("kubeadm")
        let start = try #require(text.range(of: "  connections:"))
        let end = try #require(text.range(of: "# clusterpki rotate", range: start.upperBound..<text.endIndex))
        let without = text.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "")
        #expect(try PKIPolicy(yaml: without).serverPolicy.connections == ServerPolicy.ConnectionPolicy())

        let partial = text.replacingCharacters(
            in: start.lowerBound..<end.lowerBound, with: "  connections:\n    idleTimeout: 5s\n")
        let connections = try PKIPolicy(yaml: partial).serverPolicy.connections
        #expect(connections.idleTimeout.seconds == 5 && connections.maxConnections == 1000)
    }

    @Test(arguments: [
        ("    maxConnections: 1000", "    maxConnections: 0", "server.connections"),
        ("    maxWatchesPerIdentity: 10", "    maxWatchesPerIdentity: -1", "server.connections"),
        ("    handshakeTimeout: 10s", "    handshakeTimeout: 0s", "server.connections.handshakeTimeout"),
        ("    idleTimeout: 90s", "    idleTimeout: soon", "idleTimeout"),
        ("    idleTimeout: 90s", "    idleTimeout: 90s\n    keepAlive: 1m", "server.connections.keepAlive"),
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
