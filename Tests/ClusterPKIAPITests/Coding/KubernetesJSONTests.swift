import ClusterPKIAPI
import ClusterPKITesting
import Foundation
import Testing

@Suite struct KubernetesJSONTests {
    @Test func settingTheResourceVersionInPlaceEqualsEncodingTheObjectWithIt() throws {
        var object = CertificateSigningRequestObject(
            metadata: ObjectMeta(name: "csr-\"metadata\":{-x", annotations: ["a": #""metadata":{"#]),
            spec: .init(
                request: "cmVx", signerName: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["client auth"]),
            status: nil)
        let encoded = try KubernetesJSON.encode(object)
        let spliced = try #require(KubernetesJSON.settingResourceVersion(42, in: encoded))
        object.metadata.resourceVersion = "42"
        #expect(try KubernetesJSON.decode(CertificateSigningRequestObject.self, from: spliced) == object)
        #expect(try JSONSerialization.jsonObject(with: spliced) is [String: Any])
    }

    @Test func settingTheResourceVersionRefusesBytesWithoutMetadata() {
        #expect(KubernetesJSON.settingResourceVersion(1, in: Data(#"{"kind":"X"}"#.utf8)) == nil)
        #expect(KubernetesJSON.settingResourceVersion(1, in: Data(#"{"metadata":{}}"#.utf8)) == nil)
    }
}
