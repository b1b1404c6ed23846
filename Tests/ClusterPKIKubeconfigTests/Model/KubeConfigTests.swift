import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import Yams

@testable import ClusterPKIKubeconfig

@Suite struct KubeConfigTests {
    static let sample = KubeConfig(
        clusterName: "kubernetes", server: "https://10.0.0.10:6443", caPEM: "CA\n",
        userName: "kubernetes-admin", user: .certificate(pem: "CERT\n", keyPEM: "KEY\n"))

    @Test func encodesSpecShapeInClientGoOrder() throws {
        let yaml = try Self.sample.yaml()
        let ca = Data("CA\n".utf8).base64EncodedString()
        let cert = Data("CERT\n".utf8).base64EncodedString(), key = Data("KEY\n".utf8).base64EncodedString()
        #expect(
            yaml == """
                apiVersion: v1
                clusters:
                - cluster:
                    certificate-authority-data: \(ca)
                    server: https://10.0.0.10:6443
                  name: kubernetes
                contexts:
                - context:
                    cluster: kubernetes
                    user: kubernetes-admin
                  name: kubernetes-admin@kubernetes
                current-context: kubernetes-admin@kubernetes
                kind: Config
                preferences: {}
                users:
                - name: kubernetes-admin
                  user:
                    client-certificate-data: \(cert)
                    client-key-data: \(key)

                """)
    }

    @Test func roundTripsThroughYams() throws {
        let yaml = try Self.sample.yaml()
        #expect(try KubeConfig(yaml: yaml, path: "x") == Self.sample)
        let node = try #require(try Yams.compose(yaml: yaml))
        #expect(
            node.mapping?.keys.compactMap(\.string) == [
                "apiVersion", "clusters", "contexts", "current-context", "kind", "preferences", "users",
            ])
        #expect(
            node["clusters"]?[0]?["cluster"]?.mapping?.keys.compactMap(\.string) == [
                "certificate-authority-data", "server",
            ])
        #expect(node["users"]?[0]?.mapping?.keys.compactMap(\.string) == ["name", "user"])
        #expect(
            node["users"]?[0]?["user"]?.mapping?.keys.compactMap(\.string) == [
                "client-certificate-data", "client-key-data",
            ])
        #expect(node["preferences"]?.mapping?.isEmpty == true)
    }

    @Test func acceptsFilesWithoutPreferences() throws {
        var withoutPreferences = Self.sample
        withoutPreferences.preferences = nil
        let yaml = try withoutPreferences.yaml()
        #expect(!yaml.contains("preferences"))
        #expect(try KubeConfig(yaml: yaml, path: "x").preferences == nil)
    }

    @Test func longServerAndTokenStayOnOneLine() throws {
        let long = String(repeating: "a", count: 300)
        let config = KubeConfig(
            clusterName: "c", server: "https://\(long).example:6443", caPEM: "CA\n", userName: "u",
            user: KubeConfig.AuthInfo(token: "abcdef.0123456789abcdef"))
        let yaml = try config.yaml()
        #expect(yaml.contains("    server: https://\(long).example:6443\n"))
        #expect(yaml.contains("    token: abcdef.0123456789abcdef\n"))
    }

    @Test func rejectsTextThatIsNotYAML() {
        #expect(throws: KubeconfigError.self) { try KubeConfig(yaml: "a: [b\n", path: "bad.conf") }
        #expect(throws: KubeconfigError.self) { try KubeconfigDocument(text: "key: [unclosed\n", path: "bad.conf") }
        #expect(throws: KubeconfigError.self) { try KubeconfigDocument(text: "- just\n- a list\n", path: "bad.conf") }
    }
}
