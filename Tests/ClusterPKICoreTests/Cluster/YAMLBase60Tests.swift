import ClusterPKICore
import Foundation
import Testing

/// A plain scalar that YAML 1.1 reads as a base-60 integer made Yams trap the process on `Int` overflow (the
/// kubeadm-config fuzz target's second crash, kept in Tests/Fuzz/kubeadm-config/corpus): in a kubeadm config file
/// and in a policy it is refused with an error that names it; quoted, it is text.
@Suite struct YAMLBase60Tests {
    @Test(arguments: [
        "4:4:4:4:1:4:4:4:1:4:4", "1:2:3:4:5:6:7:8:9:10:11", "999999999999999999:0", "-1:-99999999999999999",
    ])
    func aBase60NumberInAKubeadmConfigIsAConfigErrorNotATrap(_ value: String) {
        let yaml = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: \(value)\n"
        #expect {
            try KubeadmConfigFile(yaml: yaml, path: "k.yaml")
        } throws: { error in
            guard case PKIError.config(let path, let problem) = error else { return false }
            return path == "k.yaml" && problem.contains("base-60") && problem.contains("line 3")
        }
    }

    @Test func aBase60NumberInAPolicyIsAPolicyErrorNotATrap() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("../policies/kubeadm.yaml").standardized
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(text.contains("maxRows: 100000"))
        let broken = text.replacingOccurrences(of: "maxRows: 100000", with: "maxRows: 1:2:3:4:5:6:7:8:9:10:11")
        #expect {
            try PKIPolicy(yaml: broken, source: "p.yaml")
        } throws: { error in
            guard case PKIError.policy(let field, let problem) = error else { return false }
            return field == "p.yaml" && problem.contains("base-60")
        }
        _ = try PKIPolicy(yaml: text, source: "p.yaml")
    }

    @Test func quotedItIsText() throws {
        let yaml =
            "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nclusterName: \"4:4:4:4:1:4:4:4:1:4:4\"\n"
        _ = try KubeadmConfigFile(yaml: yaml, path: "k.yaml")
        #expect(throws: Never.self) {
            try KubeadmConfigFile(
                yaml: "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nclusterName: lb:6443\n",
                path: "k")
        }
    }

    @Test func theFuzzerReproducerIsRefused() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/kubeadm-config/corpus/crash-base60-overflow.yaml")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(throws: PKIError.self) { try KubeadmConfigFile(yaml: text, path: "crash") }
    }
}
