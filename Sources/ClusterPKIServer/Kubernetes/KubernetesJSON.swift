import Foundation
import Hummingbird

/// JSON encoding as the API server writes it: keys in declaration order, no escaped slashes.
enum KubernetesJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    /// A `200`/`201` JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `encoded` (an object encoded by ``encode(_:)`` without a resource version, `kind` and `apiVersion` first) with
    /// `metadata.resourceVersion` set, without encoding it a second time; `nil` if `encoded` has no such shape.
    static func settingResourceVersion(_ version: Int64, in encoded: Data) -> Data? {
        // Strings are escaped in the output, so the first unescaped `"metadata":{` is the top-level key's.
        // (A plain byte scan: Data.firstRange(of:) was 8 % of a signed CSR's CPU time.)
        let marker = Array(#""metadata":{"#.utf8)
        let bytes = [UInt8](encoded)
        guard bytes.count > marker.count,
            let start = (0...(bytes.count - marker.count)).first(where: { i in
                bytes[i] == marker[0] && bytes[i..<(i + marker.count)].elementsEqual(marker)
            })
        else { return nil }
        let end = start + marker.count
        guard end < bytes.count, bytes[end] != UInt8(ascii: "}") else { return nil }
        var result = [UInt8]()
        result.reserveCapacity(bytes.count + 32)
        result.append(contentsOf: bytes[..<end])
        result.append(contentsOf: #""resourceVersion":"\#(version)","#.utf8)
        result.append(contentsOf: bytes[end...])
        return Data(result)
    }

    /// A response from fixed bytes.
    static func response(bytes: Data, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// RFC 3339 in UTC with whole seconds, as `metav1.Time` marshals.
    static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        // Not String(format:): this runs twice per signed CSR and Foundation's formatter dominated it.
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))Z"
    }

    /// Parses RFC 3339 (`2026-01-01T00:00:00Z`, fractional seconds and offsets allowed).
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
