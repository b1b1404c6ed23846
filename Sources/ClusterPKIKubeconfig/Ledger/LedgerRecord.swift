import Foundation
import X509

/// A client credential minted by clusterpki, as the ledger records it.
public struct LedgerRecord: Sendable, Hashable, Codable {
    /// Serial number as lowercase hex, no colons, no leading zeros (see ``normalizeSerial(_:)``).
    public var serial: String
    public var commonName: String
    public var organizations: [String]
    public var notAfter: Date
    public var created: Date
    /// Who minted it: `$SUDO_USER`, `$USER` or the numeric uid.
    public var actor: String
    public var revoked: Date?
    public var revokedBy: String?

    public init(serial: String, commonName: String, organizations: [String], notAfter: Date, created: Date, actor: String,
                revoked: Date? = nil, revokedBy: String? = nil) throws {
        self.serial = try Self.normalizeSerial(serial)
        self.commonName = commonName
        self.organizations = organizations
        self.notAfter = notAfter
        self.created = created
        self.actor = actor
        self.revoked = revoked
        self.revokedBy = revokedBy
    }

    /// The record for a freshly minted certificate.
    public init(certificate: Certificate, created: Date, actor: String) throws {
        let identity = certificate.subject.kubernetesIdentity
        try self.init(serial: Self.serial(of: certificate), commonName: identity.commonName, organizations: identity.organizations,
                      notAfter: certificate.notValidAfter, created: created, actor: actor)
    }

    public var isRevoked: Bool { revoked != nil }

    /// Lowercase hex of a certificate's serial, without leading zeros.
    public static func serial(of certificate: Certificate) -> String {
        let hex = certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// Accepts `0A:1b`, `0a1b` or `A1B` for the same serial.
    public static func normalizeSerial(_ raw: String) throws -> String {
        let hex = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: "").lowercased()
        guard !hex.isEmpty, hex.allSatisfy({ $0.isHexDigit }) else { throw KubeconfigError.invalidSerial(raw) }
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}
