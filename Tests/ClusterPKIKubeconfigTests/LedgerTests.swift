import ClusterPKICore
import Foundation
import Testing
@testable import ClusterPKIKubeconfig

@Suite struct LedgerTests {
    static func record(_ serial: String, _ name: String, created: TimeInterval) throws -> LedgerRecord {
        try LedgerRecord(serial: serial, commonName: name, organizations: ["dev"], notAfter: Date(timeIntervalSince1970: created + 86400),
                         created: Date(timeIntervalSince1970: created), actor: "alice")
    }

    @Test func recordsAndListsOldestFirst() async throws {
        let cluster = try TestCluster()
        let ledger = try cluster.ledger()
        try await ledger.record(Self.record("0B", "bob", created: 2))
        try await ledger.record(Self.record("0a", "amy", created: 1))
        let listed = try await ledger.list()
        #expect(listed.map(\.serial) == ["a", "b"])
        #expect(listed[0].organizations == ["dev"] && listed[0].actor == "alice" && !listed[0].isRevoked)
        // Reopening the same file keeps the records (migrations run once).
        #expect(try await cluster.ledger().list().count == 2)
    }

    @Test func revokesBySerialInAnySpelling() async throws {
        let cluster = try TestCluster()
        let ledger = try cluster.ledger()
        try await ledger.record(Self.record("1a2b", "bob", created: 1))
        #expect(try await ledger.isRevoked(serial: "1a2b") == false)
        let revoked = try await ledger.revoke(serial: "00:1A:2B", actor: "root", now: Date(timeIntervalSince1970: 50))
        #expect(revoked.revoked == Date(timeIntervalSince1970: 50) && revoked.revokedBy == "root")
        #expect(try await ledger.isRevoked(serial: "1A2B"))
        let again = try await ledger.revoke(serial: "1a2b", actor: "other", now: Date(timeIntervalSince1970: 99))
        #expect(again.revokedBy == "root")
        #expect(try await ledger.isRevoked(serial: "ffff") == false)
    }

    @Test func revokesEveryCredentialOfAClient() async throws {
        let cluster = try TestCluster()
        let ledger = try cluster.ledger()
        try await ledger.record(Self.record("1", "bob", created: 1))
        try await ledger.record(Self.record("2", "bob", created: 2))
        try await ledger.record(Self.record("3", "amy", created: 3))
        let revoked = try await ledger.revoke(clientName: "bob", actor: "root", now: Date())
        #expect(revoked.map(\.serial) == ["1", "2"])
        #expect(try await ledger.list().map(\.isRevoked) == [true, true, false])
    }

    @Test func unknownSerialOrClientIsAnError() async throws {
        let cluster = try TestCluster()
        let ledger = try cluster.ledger()
        await #expect(throws: KubeconfigError.credentialNotFound(serial: "abc")) { try await ledger.revoke(serial: "0abc", actor: "r", now: Date()) }
        await #expect(throws: KubeconfigError.noCredentialsForClient(name: "nobody")) { try await ledger.revoke(clientName: "nobody", actor: "r", now: Date()) }
        await #expect(throws: KubeconfigError.invalidSerial("xyz")) { try await ledger.isRevoked(serial: "xyz") }
    }

    @Test func listingShowsStatus() throws {
        var revoked = try Self.record("2", "bob", created: 0)
        revoked.revoked = Date(timeIntervalSince1970: 10)
        revoked.revokedBy = "root"
        let text = LedgerListing.text([try Self.record("1", "amy", created: 0), revoked], now: Date(timeIntervalSince1970: 3600))
        #expect(text.hasPrefix("SERIAL"))
        #expect(text.contains("valid (23h left)"))
        #expect(text.contains("revoked 1970-01-01T00:00:10Z by root"))
        let json = try LedgerListing.json([revoked])
        #expect(json.contains("\"kind\" : \"CredentialList\"") && json.contains("\"revokedBy\" : \"root\""))
    }

    @Test func actorPrefersSudoUser() {
        #expect(LedgerActor.current(environment: ["SUDO_USER": "alice", "USER": "root"]) == "alice")
        #expect(LedgerActor.current(environment: ["USER": "bob"]) == "bob")
        #expect(LedgerActor.current(environment: [:]).hasPrefix("uid:"))
    }
}
