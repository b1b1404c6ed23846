import ClusterPKIAPI
import Testing

@testable import ClusterPKIServer

/// A CSR's name: any printable-ASCII path segment of at most 253 bytes, as the API server allows.
@Suite struct CSRNameTests {
    @Test(arguments: [
        "node-csr-abc", "csr-Kubelet_1.x", String(repeating: "a", count: 253), "a..b", "~!@#$^&*()+=:;,<>?",
    ])
    func acceptsPathSegments(_ name: String) throws {
        #expect(try CSRIssuer.name(for: ObjectMeta(name: name)) == name)
    }

    @Test(arguments: [
        ".", "..", "a/b", "/", "a%2Fb", "with space", "tab\there", "nul\u{0}", "del\u{7f}", "caf\u{e9}",
        "cafe\u{301}", String(repeating: "a", count: 254),
    ])
    func refusesWhatIsNotAPathSegment(_ name: String) {
        #expect(throws: KubernetesStatus.self) { try CSRIssuer.name(for: ObjectMeta(name: name)) }
    }

    @Test func generateNameGetsFiveCharacters() throws {
        let name = try CSRIssuer.name(for: ObjectMeta(generateName: "csr-"))
        #expect(name.hasPrefix("csr-"))
        #expect(name.utf8.count == 9)
        #expect(throws: KubernetesStatus.self) { try CSRIssuer.name(for: ObjectMeta()) }
    }
}
