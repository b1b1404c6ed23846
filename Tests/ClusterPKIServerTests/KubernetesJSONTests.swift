import Foundation
import Testing

@testable import ClusterPKIServer

@Suite struct KubernetesJSONTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"), (1_767_225_600.9, "2026-01-01T00:00:00Z"), (1_780_000_005, "2026-05-28T20:26:45Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ])
    func timestampsAreRFC3339WithWholeSeconds(_ seconds: Double, _ expected: String) {
        #expect(KubernetesJSON.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func settingTheResourceVersionInPlaceEqualsEncodingTheObjectWithIt() throws {
        var object = CertificateSigningRequestObject(
            metadata: ObjectMeta(name: "csr-\"metadata\":{-x", annotations: ["a": #""metadata":{"#]),
            spec: .init(request: "cmVx", signerName: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["client auth"]),
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
