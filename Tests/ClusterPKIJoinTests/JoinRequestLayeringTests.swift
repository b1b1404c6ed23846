import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKIJoin

/// A join's settings come from Core's layering: kubeadm's defaults, then the flags; a control-plane node's endpoint is
/// the joined server.
@Suite struct JoinRequestLayeringTests {
    static func request(server: String = "https://lb.example.com:6443", controlPlane: Bool, policy: String? = nil)
        -> JoinRequest
    {
        var overrides = SettingsOverrides()
        overrides.nodeName = "cp-9"
        overrides.advertiseAddress = "10.1.2.3"
        var request = JoinRequest(
            server: server, token: "abcdef.0123456789abcdef", caCertHashes: [],
            kubernetesDir: URL(fileURLWithPath: "/tmp/clusterpki-join-etc"),
            kubeletDir: URL(fileURLWithPath: "/tmp/clusterpki-join-kubelet"),
            policy: policy ?? TestSupport.policyURL("hardened").path,
            overrides: overrides)
        request.controlPlane = controlPlane
        return request
    }

    @Test func aControlPlaneNodesTreeNamesItselfAndTheJoinedServer() throws {
        let context = try JoinClient(Self.request(controlPlane: true)).treeContext()
        #expect(context.settings.nodeName == "cp-9")
        #expect(context.settings.advertiseAddress == "10.1.2.3")
        #expect(context.settings.controlPlaneEndpoint == "lb.example.com:6443")
        #expect(try context.settings.controlPlaneURL() == "https://lb.example.com:6443")
        #expect(context.settings.certificatesDir.path == "/tmp/clusterpki-join-etc/pki")
        #expect(context.policy == (try TestSupport.policy("hardened")))
    }

    @Test func aWorkerHasNoControlPlaneEndpointAndTheHostNameByDefault() throws {
        var request = Self.request(controlPlane: false)
        #expect(try JoinClient(request).treeContext().settings.controlPlaneEndpoint == nil)
        request.overrides.nodeName = nil
        #expect(
            try JoinClient(request).treeContext().settings.nodeName == ProcessInfo.processInfo.hostName.lowercased())
    }

    /// Bad settings fail before the first request (nothing listens on port 1; a request would time out instead).
    @Test func badSettingsFailBeforeAnyRequest() async throws {
        var request = Self.request(server: "127.0.0.1:1", controlPlane: true)
        request.caCertHashes = ["sha256:" + String(repeating: "0", count: 64)]
        request.certificateKey = String(repeating: "a", count: 64)
        request.timeout = 1
        request.overrides.advertiseAddress = "not-an-ip"
        await #expect(throws: PKIError.invalidAdvertiseAddress("not-an-ip")) { try await JoinClient(request).run() }
        request.overrides.advertiseAddress = nil
        request.policy = "no-such-policy"
        await #expect { try await JoinClient(request).run() } throws: { error in
            guard case PKIError.policy(let field, _) = error else { return false }
            return field == "no-such-policy"
        }
    }
}
