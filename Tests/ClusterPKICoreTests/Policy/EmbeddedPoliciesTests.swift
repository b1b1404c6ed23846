import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

/// The policies compiled into the binary are the shipped files, byte for byte, and are used only when no file is found.
@Suite struct EmbeddedPoliciesTests {
    @Test(arguments: ["kubeadm", "hardened"])
    func embeddedCopyEqualsTheFile(_ name: String) throws {
        let embedded = try #require(EmbeddedPolicies.text(named: name))
        #expect(embedded == (try TestSupport.policyText(name)))
    }

    /// Every file under policies/ is compiled in (a new policy file without its embedding fails here).
    @Test func everyShippedPolicyIsEmbedded() throws {
        let files = try FileManager.default.contentsOfDirectory(
            at: TestSupport.repositoryRoot.appendingPathComponent("policies"), includingPropertiesForKeys: nil)
        let names = files.filter { $0.pathExtension == "yaml" }.map { $0.deletingPathExtension().lastPathComponent }
            .sorted()
        #expect(EmbeddedPolicies.names == names)
    }

    @Test(arguments: ["kubeadm", "hardened"])
    func embeddedCopyLoadsAsThePolicy(_ name: String) throws {
        let embedded = try PKIPolicy(source: .embedded(name: name))
        #expect(embedded == (try TestSupport.policy(name)))
    }

    /// With no file in any search directory, a name resolves to the built-in copy; a file on disk wins.
    @Test func fileOnDiskOverridesTheEmbeddedCopy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("kubeadm.yaml")
        try TestSupport.policyText("hardened").write(to: file, atomically: true, encoding: .utf8)
        let fromDisk = try PolicyLocator.locate(
            "kubeadm", environment: ["CLUSTERPKI_POLICY_DIR": directory.url.path], currentDirectory: directory.url,
            systemDirectories: [])
        #expect(fromDisk == .file(file))
        let elsewhere = try TemporaryDirectory()
        defer { elsewhere.remove() }
        let found = try PolicyLocator.locate(
            "kubeadm", environment: [:], currentDirectory: elsewhere.url, systemDirectories: [])
        #expect(found == .embedded(name: "kubeadm"))
    }

    /// `scripts/install.sh PREFIX` puts the policies in PREFIX/share/clusterpki/policies, beside PREFIX/bin.
    @Test func installedPoliciesBesideTheBinaryAreFound() throws {
        let prefix = try TemporaryDirectory()
        defer { prefix.remove() }
        let policies = prefix.url.appendingPathComponent("share/clusterpki/policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        try TestSupport.policyText("hardened").write(
            to: policies.appendingPathComponent("hardened.yaml"), atomically: true, encoding: .utf8)
        let found = try PolicyLocator.locate(
            "hardened", environment: [:], executable: prefix.url.appendingPathComponent("bin/clusterpki"),
            currentDirectory: URL(fileURLWithPath: "/nonexistent"), systemDirectories: [])
        #expect(found == .file(policies.appendingPathComponent("hardened.yaml")))
    }

    @Test func unknownNameIsStillAnError() {
        let error = #expect(throws: PKIError.self) {
            try PolicyLocator.locate(
                "no-such-policy", environment: [:], currentDirectory: URL(fileURLWithPath: "/nonexistent"),
                systemDirectories: [])
        }
        #expect(error?.message.contains("built in (hardened, kubeadm)") == true)
    }
}
