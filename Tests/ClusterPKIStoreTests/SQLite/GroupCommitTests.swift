import ClusterPKIStore
import ClusterPKITesting
import Foundation
import GRDB
import Testing

@testable import ClusterPKISQLiteStore

/// Concurrent writes share transactions (group commit) without sharing failures.
@Suite struct GroupCommitTests {
    @Test func concurrentWritesAllCommitAndAFailingOneRollsBackOnlyItsOwnChanges() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        try await store.write { db in try db.execute(sql: "CREATE TABLE probe (n INTEGER PRIMARY KEY)") }
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<200 {
                group.addTask {
                    do {
                        try await store.write { db in
                            try db.execute(sql: "INSERT INTO probe (n) VALUES (?)", arguments: [n])
                            // Every tenth body fails after writing: its row must not survive.
                            if n % 10 == 0 { throw StoreError.tokenNotFound(id: "n\(n)") }
                        }
                        return (n, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 200)
        #expect(outcomes.filter { !$0.value }.map(\.key).sorted() == Array(stride(from: 0, to: 200, by: 10)))
        #expect(try rawCount(store.path, "SELECT count(*) FROM probe") == 180)
        #expect(try rawCount(store.path, "SELECT count(*) FROM probe WHERE n % 10 = 0") == 0)
    }

    /// GRDB turns WAL on with `synchronous = NORMAL`, which does not sync the WAL at a commit; the store sets FULL
    /// on the connection that commits, so a write that returned survives a power loss, not only a crash.
    @Test func theConnectionThatCommitsSyncsTheWALAtEveryCommit() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let level = try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(level == 2, "PRAGMA synchronous is \(level.map(String.init) ?? "nil"), 2 = FULL")
        let mode = try await store.write { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func aCallerResumesOnlyAfterItsTransactionCommitted() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        try await store.write { db in try db.execute(sql: "CREATE TABLE probe (n INTEGER PRIMARY KEY)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<50 {
                group.addTask {
                    try await store.write { db in
                        try db.execute(sql: "INSERT INTO probe (n) VALUES (?)", arguments: [n])
                    }
                    // A separate connection (another process) sees the row as soon as the write returned. Like every
                    // client of a WAL database it waits out the moment a commit or checkpoint holds the WAL index
                    // (SQLITE_BUSY), as clusterpki's own connections do (`SQLiteStateStore.busyTimeout`).
                    var configuration = Configuration()
                    configuration.readonly = true
                    configuration.busyMode = .timeout(SQLiteStateStore.busyTimeout)
                    let queue = try DatabaseQueue(path: store.path, configuration: configuration)
                    defer { try? queue.close() }
                    let seen = try await queue.read {
                        try Int.fetchOne($0, sql: "SELECT count(*) FROM probe WHERE n = ?", arguments: [n])
                    }
                    #expect(seen == 1)
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func aRequestWithItsRecordsCommitsTogetherAndATakenNameRecordsNothing() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let credential = try IssuedCredential(
            serial: "0a1b2c", commonName: "system:node:w1", organizations: ["system:nodes"],
            notAfter: referenceNow.addingTimeInterval(86_400), created: referenceNow, actor: "system:bootstrap:abcdef")
        let records = CertificateRequestRecords(
            auditEvents: [
                AuditEvent(
                    time: referenceNow, actor: "a", action: .certificateRequestApproved, detail: "csr-1 serial=0a1b2c")
            ],
            credential: credential,
            node: NodeRecord(name: "w1", addresses: ["10.0.0.5"], recorded: referenceNow, recordedBy: "a"))
        let stored = try await store.createCertificateRequest(
            name: "csr-1", requester: "system:bootstrap:abcdef", object: Data("{}".utf8), now: referenceNow,
            recording: records)
        #expect(stored.resourceVersion == 1)
        #expect(try await store.credentials().map(\.serial) == [credential.serial])
        #expect(try await store.node(named: "w1")?.addresses == ["10.0.0.5"])
        let audit = try rawCount(store.path, "SELECT count(*) FROM auditEvent")
        #expect(audit == 3)  // csr.approve, credential.record, node.record

        var second = records
        second.credential = try IssuedCredential(
            serial: "0d0e0f", commonName: "system:node:w2", organizations: ["system:nodes"],
            notAfter: referenceNow.addingTimeInterval(86_400), created: referenceNow, actor: "x")
        second.node = NodeRecord(name: "w2", addresses: ["10.0.0.6"], recorded: referenceNow, recordedBy: "x")
        await #expect(throws: StoreError.self) {
            try await store.createCertificateRequest(
                name: "csr-1", requester: "x", object: Data("{}".utf8), now: referenceNow, recording: second)
        }
        #expect(try await store.credentials().map(\.serial) == [credential.serial])
        #expect(try await store.node(named: "w2") == nil)
        #expect(try rawCount(store.path, "SELECT count(*) FROM auditEvent") == audit)
    }
}
