import ClusterPKISQLiteStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// The one way commands open the state store: the database records its key; nothing is created unless asked; a
/// database never gets a second key.
@Suite struct StateStoreLocationTests {
    @Test func keyIsInThePKIDirectoryOfTheKubernetesDir() {
        let location = StateStoreLocation(db: "/x/state.db", kubernetesDir: URL(fileURLWithPath: "/etc/kubernetes"))
        #expect(location.keyURL.path == "/etc/kubernetes/pki/clusterpki-state.key")
    }

    /// Without --kubernetes-dir a new database's key follows --db; the default database keeps kubeadm's place.
    @Test func newKeyFollowsTheDatabaseWithoutKubernetesDir() {
        #expect(StateStoreLocation(db: "/x/state.db", kubernetesDir: nil).keyURL.path == "/x/clusterpki-state.key")
        #expect(
            StateStoreLocation(db: StateStoreLocation.defaultDB, kubernetesDir: nil).keyURL.path
                == "/etc/kubernetes/pki/clusterpki-state.key")
    }

    @Test func openIfPresentAndReadOnlyCreateNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = StateStoreLocation(db: directory.path("state/state.db"), kubernetesDir: directory.url)
        #expect(try location.openIfPresent() == nil)
        #expect(try location.openReadOnly(withKey: true) == nil)
        #expect(try location.openReadOnly(withKey: false) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty)
    }

    @Test func openCreatesTheDatabaseAndItsKeyOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = StateStoreLocation(db: directory.path("state.db"), kubernetesDir: directory.url)
        _ = try location.open()
        let key = try Data(contentsOf: location.keyURL)
        #expect(try location.openIfPresent() != nil)
        #expect(try location.open() != nil)
        #expect(try Data(contentsOf: location.keyURL) == key)
    }

    /// The database records where its key was created; a later open without --kubernetes-dir finds it there.
    @Test func databaseRecordsItsKeyAndIsFoundThroughIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cluster = directory.url.appendingPathComponent("cluster")
        let db = directory.path("data/state.db")
        let created = try StateStoreLocation(db: db, kubernetesDir: cluster).open()
        let token = try await created.createToken(TokenRequest(), actor: "test", now: Date())
        let record = try #require(try SQLiteStateStore.keyRecord(path: db))
        let key = try #require(try StoreKey.load(at: StateStoreLocation.keyURL(in: cluster)))
        #expect(record.keyPath == StateStoreLocation.keyURL(in: cluster).path)
        #expect(record.keyID == key.id)

        let reopened = try #require(try StateStoreLocation(db: db, kubernetesDir: nil).openReadOnly(withKey: true))
        #expect(try await reopened.listTokens(now: Date()).map(\.token) == [token.token])
        #expect(!FileManager.default.fileExists(atPath: directory.path("data/clusterpki-state.key")))
    }

    /// A key at another place than the record says is still used when --kubernetes-dir names it.
    @Test func givenKubernetesDirWinsOverTheRecord() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("state.db")
        _ = try StateStoreLocation(db: db, kubernetesDir: directory.url.appendingPathComponent("a")).open()
        let moved = directory.url.appendingPathComponent("b/pki")
        try FileManager.default.createDirectory(at: moved, withIntermediateDirectories: true)
        try FileManager.default.moveItem(
            at: StateStoreLocation.keyURL(in: directory.url.appendingPathComponent("a")),
            to: moved.appendingPathComponent(StoreKey.defaultFileName))
        #expect(try StateStoreLocation(db: db, kubernetesDir: directory.url.appendingPathComponent("b")).open() != nil)
    }

    /// A missing key is an error naming the database, the key file and --kubernetes-dir, and no key is created.
    @Test func missingKeyIsAnErrorAndNoKeyIsCreated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cluster = directory.url.appendingPathComponent("cluster")
        let db = directory.path("state.db")
        _ = try StateStoreLocation(db: db, kubernetesDir: cluster).open()
        let keyPath = StateStoreLocation.keyURL(in: cluster).path
        try FileManager.default.removeItem(atPath: keyPath)

        for open in [
            { _ = try StateStoreLocation(db: db, kubernetesDir: nil).open() },
            { _ = try StateStoreLocation(db: db, kubernetesDir: nil).openReadOnly(withKey: true) },
            { _ = try StateStoreLocation(db: db, kubernetesDir: cluster).open() },
        ] as [() throws -> Void] {
            let error = #expect(throws: StateKeyError.self) { try open() }
            let message = error?.description ?? ""
            #expect(
                message.contains(db) && message.contains(keyPath) && message.contains("--kubernetes-dir"), "\(message)")
            if case .missing = error {} else { Issue.record("expected .missing, got \(String(describing: error))") }
        }
        #expect(!FileManager.default.fileExists(atPath: keyPath))
        #expect(!FileManager.default.fileExists(atPath: directory.path("clusterpki-state.key")))
        // The ledger needs no key.
        #expect(try StateStoreLocation(db: db, kubernetesDir: nil).openReadOnly(withKey: false) != nil)
    }

    /// Another cluster's key is a mismatch naming both paths and both key ids.
    @Test func foreignKeyIsAMismatchNamingBothPaths() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = directory.url.appendingPathComponent("first")
        let second = directory.url.appendingPathComponent("second")
        let db = directory.path("first.db")
        _ = try StateStoreLocation(db: db, kubernetesDir: first).open()
        _ = try StateStoreLocation(db: directory.path("second.db"), kubernetesDir: second).open()
        let error = #expect(throws: StateKeyError.self) {
            try StateStoreLocation(db: db, kubernetesDir: second).openReadOnly(withKey: true)
        }
        let message = error?.description ?? ""
        let firstKey = try #require(try StoreKey.load(at: StateStoreLocation.keyURL(in: first)))
        let secondKey = try #require(try StoreKey.load(at: StateStoreLocation.keyURL(in: second)))
        for part in [
            db, StateStoreLocation.keyURL(in: first).path, StateStoreLocation.keyURL(in: second).path, firstKey.id,
            secondKey.id,
        ] {
            #expect(message.contains(part), "\(message) should name \(part)")
        }
        #expect(message.contains("--kubernetes-dir") && message.contains("--db"))
    }

    /// A database from before the key path was recorded: its key is found beside it, and the path is then recorded.
    @Test func olderDatabaseFindsItsKeyBesideItAndLearnsThePath() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.path("state.db")
        let keyURL = directory.url.appendingPathComponent(StoreKey.defaultFileName)
        _ = try SQLiteStateStore(path: db, storeKey: try StoreKey.loadOrCreate(at: keyURL))
        #expect(try SQLiteStateStore.keyRecord(path: db)?.keyPath == nil)
        #expect(try StateStoreLocation(db: db, kubernetesDir: nil).openReadOnly(withKey: true) != nil)
        #expect(try SQLiteStateStore.keyRecord(path: db)?.keyPath == nil)  // read-only: nothing recorded
        _ = try StateStoreLocation(db: db, kubernetesDir: nil).open()
        #expect(try SQLiteStateStore.keyRecord(path: db)?.keyPath == keyURL.path)
    }

    /// `token` commands and every other command agree on where the key is.
    @Test func tokenOptionsAndStateOptionsOpenTheSameStore() throws {
        let tokens = try TokenStoreOptions.parse(["--db", "/x/state.db", "--kubernetes-dir", "/k"])
        let state = try StateOptions.parse(["--db", "/x/state.db"])
        let directories = try DirectoryOptions.parse(["--kubernetes-dir", "/k"])
        #expect(try tokens.location.keyURL == state.location(directories).keyURL)
        #expect(try tokens.location.db == state.location(directories).db)
        let bare = try TokenStoreOptions.parse(["--db", "/x/state.db"])
        #expect(try bare.location.keyURL == state.location(try DirectoryOptions.parse([])).keyURL)
        #expect(try bare.location.kubernetesDir == nil)
    }
}
