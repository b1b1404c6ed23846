import Foundation
import X509

/// `certs check-expiration` as data: kubeadm's `CertificateExpirationInfo` (output.kubeadm.k8s.io/v1alpha3).
public struct ExpirationReport: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var name: String
        public var expirationDate: Date?
        public var residualTime: Int64
        public var externallyManaged: Bool
        public var caName: String?
        public var missing: Bool
    }

    public var kind = "CertificateExpirationInfo"
    public var apiVersion = "output.kubeadm.k8s.io/v1alpha3"
    public var certificates: [Entry] = []
    public var certificateAuthorities: [Entry] = []

    /// Reads every credential and CA of the cluster, as of `context.now`.
    public init(context: TreeContext, credentials: [any RenewableCredential]) throws {
        var external: [String: Bool] = [:]
        for profile in context.activeAuthorities.sorted(by: { $0.name < $1.name }) {
            let certificate = try context.directory.readCertificates(profile.baseName)?.first
            let isExternal = certificate != nil && !context.directory.exists(profile.baseName, "key")
            external[profile.name] = isExternal
            certificateAuthorities.append(
                Self.entry(profile.name, certificate, now: context.now, external: isExternal, caName: nil))
        }
        for credential in credentials.sorted(by: { $0.name < $1.name }) {
            let certificate = try credential.currentCertificate()
            certificates.append(
                Self.entry(
                    credential.name, certificate, now: context.now,
                    external: external[credential.authorityName] ?? false, caName: credential.authorityName))
        }
    }

    static func entry(_ name: String, _ certificate: Certificate?, now: Date, external: Bool, caName: String?) -> Entry
    {
        guard let certificate else {
            return Entry(
                name: name, expirationDate: nil, residualTime: 0, externallyManaged: external, caName: caName,
                missing: true)
        }
        return Entry(
            name: name, expirationDate: certificate.notValidAfter,
            residualTime: Int64(certificate.notValidAfter.timeIntervalSince(now).rounded(.towardZero)),
            externallyManaged: external, caName: caName, missing: false)
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Go layout `Jan 02, 2006 15:04 MST` in UTC.
    public static func expiresFormat(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM dd, yyyy HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
