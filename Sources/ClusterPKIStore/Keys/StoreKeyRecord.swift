import ClusterPKICore
import Crypto
import Foundation

/// What a state database records about the key that protects it: the key's id, from the check value stored when the
/// database was created, and where the key file was then. Readable without the key, so a command can find the key
/// through the database and say which key a database wants.
public struct StoreKeyRecord: Sendable, Hashable {
    /// The id of the protecting key (``StoreKey/id``).
    public var keyID: String
    /// The absolute path of the key file when the database was created; nil for a database created before it was
    /// recorded.
    public var keyPath: String?

    public init(keyID: String, keyPath: String?) {
        self.keyID = keyID
        self.keyPath = keyPath
    }

    /// The record of a database whose stored check value is `checkValue`.
    package init(checkValue: Data, keyPath: String?) {
        self.init(keyID: StoreKey.id(ofCheckValue: checkValue), keyPath: keyPath)
    }
}

extension StoreKey {
    /// A short public name for this key: 16 hex digits of SHA-256 over its check value. Safe to print and to store:
    /// it reveals nothing of the key, and tells two keys apart.
    public var id: String { Self.id(ofCheckValue: checkValue) }

    static func id(ofCheckValue checkValue: Data) -> String {
        String(Hex.encode(Data(SHA256.hash(data: checkValue))).prefix(16))
    }
}
