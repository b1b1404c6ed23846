import Foundation

/// JSON encoding as the API server reads it: no escaped slashes. Foundation's encoder writes an object's members in
/// an order that changes from process to process (clients do not care); the CSR object, encoded once per request,
/// has its own writer, in declaration order (``encode(_:)-(CertificateSigningRequestObject)``).
public enum KubernetesJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    /// `encoded` (an object encoded by ``encode(_:)`` without a resource version) with
    /// `metadata.resourceVersion` set, without encoding it a second time; `nil` if `encoded` has no such shape.
    public static func settingResourceVersion(_ version: Int64, in encoded: Data) -> Data? {
        // Strings are escaped in the output, so the first unescaped `"metadata":{` is the top-level key's.
        let marker = Array(#""metadata":{"#.utf8)
        let bytes = [UInt8](encoded)
        guard let start = ByteSearch.firstOffset(of: marker, in: encoded) else { return nil }
        let end = start + marker.count
        guard end < bytes.count, bytes[end] != UInt8(ascii: "}") else { return nil }
        var result = [UInt8]()
        result.reserveCapacity(bytes.count + 32)
        result.append(contentsOf: bytes[..<end])
        result.append(contentsOf: #""resourceVersion":"\#(version)","#.utf8)
        result.append(contentsOf: bytes[end...])
        return Data(result)
    }
}
