import ClusterPKICore
import Foundation
import Testing

/// YAML complex keys (`? `) made Yams' untyped loader trap the process (the kubeadm-config fuzz target's crash,
/// kept in Tests/Fuzz/kubeadm-config/corpus); they are refused with a config error instead.
@Suite struct YAMLComplexKeyTests {
    @Test(arguments: [
        "? [a, b]\n: c\n",
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\netcd:\n  ? {local: x}\n  : y\n",
        "---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\nlist:\n- ? [1]\n  : 2\n",
    ])
    func complexKeysAreAConfigErrorNotATrap(_ yaml: String) {
        #expect {
            try KubeadmConfigFile(yaml: yaml, path: "k.yaml")
        } throws: { error in
            guard case PKIError.config(let path, let problem) = error else { return false }
            return path == "k.yaml" && problem.contains("mapping key is itself a mapping or a list")
        }
    }

    @Test func theFuzzerReproducerIsRefused() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/kubeadm-config/corpus/crash-complex-key.yaml")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(throws: PKIError.self) { try KubeadmConfigFile(yaml: text, path: "crash") }
    }
}
