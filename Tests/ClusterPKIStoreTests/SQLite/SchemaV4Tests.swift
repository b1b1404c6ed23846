import ClusterPKIStore
import ClusterPKITesting
import Foundation
import GRDB
import Testing

@testable import ClusterPKISQLiteStore

/// Migration v4: `certificateRequest` keyed by resourceVersion with the object inline, `auditEvent` without
/// AUTOINCREMENT. A database written by the v3 schema keeps every row and value through it.
@Suite struct SchemaV4Tests {
    /// A ~2 KB object, the size of a signed CSR's stored JSON.
    static func object(_ index: Int) -> Data { Data(String(repeating: "\(index % 10)", count: 2_100).utf8) }

    @Test func aVersion3DatabaseKeepsItsRequestsAndAuditEvents() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("state.db")
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v3-rotationPhase")
        let requests: [(name: String, version: Int64)] = [("node-csr-c", 9), ("node-csr-a", 5), ("node-csr-b", 7)]
        try await queue.write { db in
            for (index, request) in requests.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO certificateRequest (name, resourceVersion, createdAt, requester, object)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        request.name, request.version, 1_000.0 + Double(index), "r\(index)", Self.object(index),
                    ])
            }
            for index in 1...4 {
                try db.execute(
                    sql: "INSERT INTO auditEvent (time, actor, action, detail) VALUES (?, ?, 'tokenCreated', ?)",
                    arguments: [2_000.0 + Double(index), "a\(index)", "d\(index)"])
            }
            // Pruned events leave a gap at the start; the ids of the others must not move.
            try db.execute(sql: "DELETE FROM auditEvent WHERE id = 1")
        }
        try queue.close()

        let store = try SQLiteStateStore(path: path, storeKey: testKey)
        let migrated = try await store.certificateRequests()
        #expect(migrated.map(\.name) == ["node-csr-a", "node-csr-b", "node-csr-c"])
        #expect(migrated.map(\.resourceVersion) == [5, 7, 9])
        #expect(migrated.map(\.requester) == ["r1", "r2", "r0"])
        #expect(migrated.map(\.object) == [Self.object(1), Self.object(2), Self.object(0)])
        #expect(migrated.map(\.created.timeIntervalSince1970) == [1_001, 1_002, 1_000])
        #expect(try await store.certificateRequestsVersion() == 9)
        let events = try await store.auditEvents(limit: nil)
        #expect(events.map(\.id) == [2, 3, 4])
        #expect(events.map(\.actor) == ["a2", "a3", "a4"])

        // New rows continue the numbering; a taken name is still refused as one.
        let next = try await store.createCertificateRequest(
            name: "node-csr-d", requester: "r", object: Self.object(3), now: referenceNow,
            recording: CertificateRequestRecords(
                auditEvents: [AuditEvent(time: referenceNow, actor: "a5", action: .tokenCreated)]))
        #expect(next.resourceVersion == 10)
        #expect(try await store.auditEvents(limit: 1).map(\.id) == [5])
        await #expect(throws: StoreError.certificateRequestAlreadyExists(name: "node-csr-a")) {
            _ = try await store.createCertificateRequest(
                name: "node-csr-a", requester: "r", object: Self.object(4), now: referenceNow)
        }
        let updated = try await store.updateCertificateRequest(name: "node-csr-a", object: Self.object(5))
        #expect(updated.resourceVersion == 11)
        #expect(try await store.certificateRequest(named: "node-csr-a")?.object == Self.object(5))
        #expect(try await store.certificateRequests().map(\.resourceVersion) == [11, 7, 9, 10])

        // The schema is v4's: nothing reads or writes sqlite_sequence for the audit log any more.
        try await store.pool.read { db in
            let sql = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'certificateRequest'")
            #expect(sql?.contains("resourceVersion INTEGER PRIMARY KEY") == true)
            #expect(sql?.contains("WITHOUT ROWID") == false)
            let sequences =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'") ?? 0
            if sequences > 0 {
                #expect(
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_sequence WHERE name = 'auditEvent'") == 0)
            }
        }
    }

    /// The point of v4: a signed CSR's ~2 KB object sits in its row, with no overflow page of its own.
    @Test func requestObjectsStayInlineWithoutOverflowPages() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        for index in 0..<40 {
            _ = try await store.createCertificateRequest(
                name: "node-csr-\(UUID().uuidString.lowercased())", requester: "r", object: Self.object(index),
                now: referenceNow)
        }
        let pages = try await store.pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT pagetype, count(*) AS pages FROM dbstat WHERE name = 'certificateRequest' GROUP BY pagetype"
            )
        }
        let byType = Dictionary(uniqueKeysWithValues: pages.map { ($0["pagetype"] as String, $0["pages"] as Int) })
        #expect(byType["overflow"] == nil)
        #expect((byType["leaf"] ?? 0) >= 20)
    }
}
