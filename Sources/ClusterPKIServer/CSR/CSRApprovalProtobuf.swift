import ClusterPKIAPI
import Foundation

/// The body `kubectl certificate approve|deny` PUTs: kubectl's typed client sends the CertificateSigningRequest as
/// Kubernetes protobuf (`application/vnd.kubernetes.protobuf`, seen at -v=8), not JSON. An approval needs only the
/// name and the status conditions, so this reads just those fields of the generated messages (k8s.io/api
/// certificates/v1 generated.proto) and skips everything else.
enum CSRApprovalProtobuf {
    static let contentType = "application/vnd.kubernetes.protobuf"
    /// Every Kubernetes protobuf body starts with "k8s\0", then a runtime.Unknown whose field 2 holds the object.
    private static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    /// Whether a Content-Type header names Kubernetes protobuf.
    static func isProtobuf(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix(Self.contentType) == true
    }

    /// The object with its name and status conditions (spec left empty: an approval does not read it).
    static func decode(_ data: Data) throws -> CertificateSigningRequestObject {
        let bytes = [UInt8](data)
        guard bytes.starts(with: magic) else { throw invalid("it does not start with the k8s protobuf magic") }
        let unknown = try fields(bytes[magic.count...])
        guard let raw = unknown[2]?.last else { throw invalid("runtime.Unknown has no raw object") }
        let csr = try fields(raw[...])
        let name = try csr[1]?.last.flatMap { try string(fields($0[...])[1]?.last) }
        var conditions: [CertificateSigningRequestObject.Condition] = []
        if let status = csr[3]?.last {
            for encoded in try fields(status[...])[1] ?? [] {
                let condition = try fields(encoded[...])
                conditions.append(
                    .init(
                        type: string(condition[1]?.last) ?? "", status: string(condition[6]?.last) ?? "",
                        reason: string(condition[2]?.last), message: string(condition[3]?.last), lastUpdateTime: nil,
                        lastTransitionTime: nil))
            }
        }
        return CertificateSigningRequestObject(
            metadata: ObjectMeta(name: name), spec: .init(request: "", signerName: ""),
            status: .init(conditions: conditions, certificate: nil))
    }

    /// The length-delimited fields of one message by number (repeated ones in order); other wire types are skipped.
    private static func fields(_ bytes: ArraySlice<UInt8>) throws -> [Int: [[UInt8]]] {
        var result: [Int: [[UInt8]]] = [:]
        var index = bytes.startIndex
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < bytes.endIndex, shift < 64 else { throw invalid("a truncated varint") }
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        while index < bytes.endIndex {
            let key = try varint()
            let (number, wireType) = (Int(key >> 3), key & 7)
            switch wireType {
            case 0: _ = try varint()
            case 1: index += 8
            case 5: index += 4
            case 2:
                let length = try varint()
                guard length <= UInt64(bytes.endIndex - index) else { throw invalid("a field longer than the body") }
                let end = index + Int(length)
                result[number, default: []].append(Array(bytes[index..<end]))
                index = end
            default: throw invalid("wire type \(wireType)")
            }
            guard index <= bytes.endIndex else { throw invalid("a truncated field") }
        }
        return result
    }

    private static func string(_ bytes: [UInt8]?) -> String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    private static func invalid(_ detail: String) -> KubernetesStatus {
        .badRequest(
            "the request body is not a valid protobuf CertificateSigningRequest (\(detail)); send it as JSON or protobuf"
        )
    }
}
