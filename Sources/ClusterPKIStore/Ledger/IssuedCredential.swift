import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// A client credential minted by clusterpki, as recorded in the ledger.
public struct IssuedCredential: Sendable, Hashable, Codable {
    /// Serial number as lowercase hex without colons or leading zeros.
    public var serial: String
    public var commonName: String
    public var organizations: [String]
    public var notAfter: Date
    public var created: Date
    /// Who minted it, e.g. `$SUDO_USER` or `$USER`.
    public var actor: String
    public var revoked: Date?
    public var revokedBy: String?

    /// A credential to record; `serial` is normalized with ``normalizeSerial(_:)``.
    public init(
        serial: String, commonName: String, organizations: [String], notAfter: Date, created: Date, actor: String
    ) throws {
        self.serial = try Self.normalizeSerial(serial)
        self.commonName = commonName
        self.organizations = organizations
        self.notAfter = notAfter
        self.created = created
        self.actor = actor
    }

    /// Whether the credential has been revoked.
    public var isRevoked: Bool { revoked != nil }

    /// Lowercase hex, colons removed, leading zeros dropped, so `0A:1b` and `a1b` name the same certificate.
    public static func normalizeSerial(_ raw: String) throws -> String {
        // On bytes: this runs for every certificate issued, and Foundation's replace and a lowercasing were ~9,000
        // instructions each time.
        var hex: [UInt8] = []
        hex.reserveCapacity(raw.utf8.count)
        for byte in raw.utf8 where byte != UInt8(ascii: ":") {
            switch byte {
            case 0x30...0x39, 0x61...0x66: hex.append(byte)
            case 0x41...0x46: hex.append(byte + 0x20)
            default: throw StoreError.invalidSerial(raw)
            }
        }
        guard !hex.isEmpty else { throw StoreError.invalidSerial(raw) }
        let trimmed = hex.drop(while: { $0 == UInt8(ascii: "0") })
        return trimmed.isEmpty ? "0" : String(decoding: trimmed, as: UTF8.self)
    }
}
