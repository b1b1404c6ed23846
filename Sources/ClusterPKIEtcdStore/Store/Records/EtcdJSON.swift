import ClusterPKIStore
import Foundation

/// The JSON form of stored values: dates as seconds since 1970 (sub-second kept, like SQLite's REAL), data as base64.
enum EtcdJSON {
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(value)
    }

    /// Decodes the value stored at `key`; a value clusterpki cannot read is reported with its key.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, key: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw StoreError.etcd(
                detail:
                    "the value at \(key) is not a clusterpki \(T.self) (\(error)); was it written by a newer clusterpki or by hand?"
            )
        }
    }
}
