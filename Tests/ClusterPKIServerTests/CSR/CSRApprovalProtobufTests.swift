import ClusterPKIAPI
import Foundation
import Testing

@testable import ClusterPKIServer

/// The protobuf body of `kubectl certificate approve|deny` (built here as k8s.io/api's generated messages encode it).
struct CSRApprovalProtobufTests {
    /// One length-delimited field.
    static func field(_ number: Int, _ bytes: [UInt8]) -> [UInt8] {
        var length = bytes.count
        var varint: [UInt8] = []
        repeat {
            varint.append(UInt8(length & 0x7f) | (length > 0x7f ? 0x80 : 0))
            length >>= 7
        } while length > 0
        return [UInt8(number << 3 | 2)] + varint + bytes
    }

    static func field(_ number: Int, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }

    static func body(name: String, conditions: [(type: String, status: String, reason: String)]) -> Data {
        let metadata = field(1, field(1, name) + field(3, "ns-ignored"))
        let spec = field(2, field(1, Array(repeating: 0x41, count: 300)) + field(7, "kubernetes.io/kubelet-serving"))
        let status = field(
            3,
            conditions.flatMap {
                field(1, field(1, $0.type) + field(2, $0.reason) + field(3, "by kubectl") + field(6, $0.status))
            })
        let unknown =
            field(1, field(1, "certificates.k8s.io/v1") + field(2, "CertificateSigningRequest"))
            + field(2, metadata + spec + status) + field(3, "") + field(4, "")
        return Data([0x6b, 0x38, 0x73, 0x00] + unknown)
    }

    @Test func readsTheNameAndConditions() throws {
        let object = try CSRApprovalProtobuf.decode(
            Self.body(name: "csr-1", conditions: [("Approved", "True", "KubectlApprove")]))
        #expect(object.metadata.name == "csr-1")
        #expect(
            object.status?.conditions == [
                .init(
                    type: "Approved", status: "True", reason: "KubectlApprove", message: "by kubectl",
                    lastUpdateTime: nil, lastTransitionTime: nil)
            ])
    }

    @Test func refusesWhatIsNotKubernetesProtobuf() {
        #expect(throws: KubernetesStatus.self) { try CSRApprovalProtobuf.decode(Data("{\"kind\":\"x\"}".utf8)) }
        let truncated = Self.body(name: "csr-1", conditions: [("Denied", "True", "KubectlDeny")]).dropLast(5)
        #expect(throws: KubernetesStatus.self) { try CSRApprovalProtobuf.decode(Data(truncated)) }
    }

    @Test func recognisesTheContentType() {
        #expect(CSRApprovalProtobuf.isProtobuf("application/vnd.kubernetes.protobuf"))
        #expect(CSRApprovalProtobuf.isProtobuf("application/vnd.kubernetes.protobuf; charset=utf-8"))
        #expect(!CSRApprovalProtobuf.isProtobuf("application/json"))
        #expect(!CSRApprovalProtobuf.isProtobuf(nil))
    }
}
