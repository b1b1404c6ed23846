import ClusterPKIStore
import Foundation
import Testing

@testable import ClusterPKICommands

/// `kubeconfig list` output: the table and the JSON list.
@Suite struct LedgerListingTests {
    static func record(_ serial: String, _ name: String, created: TimeInterval) throws -> IssuedCredential {
        try IssuedCredential(
            serial: serial, commonName: name, organizations: ["dev"],
            notAfter: Date(timeIntervalSince1970: created + 86400),
            created: Date(timeIntervalSince1970: created), actor: "alice")
    }

    @Test func listingShowsStatus() throws {
        var revoked = try Self.record("2", "bob", created: 0)
        revoked.revoked = Date(timeIntervalSince1970: 10)
        revoked.revokedBy = "root"
        let text = LedgerListing.text(
            [try Self.record("1", "amy", created: 0), revoked], now: Date(timeIntervalSince1970: 3600))
        #expect(text.hasPrefix("SERIAL"))
        #expect(text.contains("valid (23h left)"))
        #expect(text.contains("revoked 1970-01-01T00:00:10Z by root"))
        let json = try LedgerListing.json([revoked])
        #expect(json.contains("\"kind\" : \"CredentialList\"") && json.contains("\"revokedBy\" : \"root\""))
    }
}
