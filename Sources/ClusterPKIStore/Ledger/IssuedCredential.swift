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
        let hex = raw.replacingOccurrences(of: ":", with: "").lowercased()
        guard !hex.isEmpty, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw StoreError.invalidSerial(raw)
        }
        let trimmed = hex.drop(while: { $0 == "0" })
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}
