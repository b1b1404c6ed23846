import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// `kubeconfig list` output: a table or JSON.
public enum LedgerListing {
    public static func text(_ records: [IssuedCredential], now: Date) -> String {
        var rows = [["SERIAL", "CLIENT NAME", "ORGANIZATIONS", "EXPIRES", "CREATED BY", "STATUS"]]
        for record in records {
            let status: String
            if let revoked = record.revoked {
                status = "revoked \(timestamp(revoked))" + (record.revokedBy.map { " by \($0)" } ?? "")
            } else if record.notAfter <= now {
                status = "expired"
            } else {
                status = "valid (\(HumanDuration.short(seconds: record.notAfter.timeIntervalSince(now))) left)"
            }
            rows.append([
                record.serial, record.commonName,
                record.organizations.isEmpty ? "<none>" : record.organizations.joined(separator: ","),
                timestamp(record.notAfter), record.actor, status,
            ])
        }
        return TabWriter.render(rows)
    }

    public static func json(_ records: [IssuedCredential]) throws -> String {
        struct List: Encodable {
            var apiVersion = "clusterpki.io/v1alpha1"
            var kind = "CredentialList"
            var items: [IssuedCredential]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(List(items: records)), as: UTF8.self) + "\n"
    }

    /// `kubeconfig revoke`: one line per revoked credential.
    static func revokedLine(_ record: IssuedCredential) -> String {
        "[kubeconfig] Revoked credential \(record.serial) (CN=\(record.commonName), O=\(record.organizations.joined(separator: ",")))"
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
