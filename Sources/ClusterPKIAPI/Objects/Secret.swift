import Foundation

/// `v1/Secret`; `data` values are standard base64, `stringData` is write-only.
public struct Secret: Codable, Sendable, Hashable {
    public var kind: String? = "Secret"
    public var apiVersion: String? = "v1"
    public var metadata: ObjectMeta
    public var type: String?
    public var data: [String: String]?
    public var stringData: [String: String]?

    public init(metadata: ObjectMeta, type: String?, data: [String: String]?, stringData: [String: String]? = nil) {
        self.metadata = metadata
        self.type = type
        self.data = data
        self.stringData = stringData
    }

    /// A value of `data` that is not base64 of UTF-8 text.
    public struct UndecodableValue: Error, Equatable, Sendable {
        public var key: String
    }

    /// `data` decoded, with `stringData` folded in (stringData wins), as the API server stores a Secret.
    public func decodedData() throws(UndecodableValue) -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in data ?? [:] {
            guard let bytes = Data(base64Encoded: value), let text = String(data: bytes, encoding: .utf8) else {
                throw UndecodableValue(key: key)
            }
            values[key] = text
        }
        for (key, value) in stringData ?? [:] { values[key] = value }
        return values
    }

    /// `data` decoded to bytes; nil when a value is not base64.
    public func decodedBytes() -> [String: Data]? {
        var values: [String: Data] = [:]
        for (key, value) in data ?? [:] {
            guard let bytes = Data(base64Encoded: value) else { return nil }
            values[key] = bytes
        }
        return values
    }
}
