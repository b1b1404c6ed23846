import ClusterPKISQLiteStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// Every state command run with `--db` and without `--kubernetes-dir` (issue 14 item 1): it finds the key the
/// database recorded at `init`, read-only commands create nothing, and no command creates a second key.
@Suite(.serialized) struct StateCommandsWithoutKubernetesDirTests {
    /// A cluster made by `clusterpki init --kubernetes-dir K --db DIR/data/state.db`.
    struct Cluster {
        let directory: TemporaryDirectory
        var kubernetesDir: String { directory.path("cluster") }
        var certDir: String { directory.path("cluster/pki") }
        var db: String { directory.path("data/state.db") }
        var recordedKey: String { directory.path("cluster/pki/clusterpki-state.key") }
        var keyBesideDB: String { directory.path("data/clusterpki-state.key") }

        static func make() async throws -> Cluster {
            let cluster = Cluster(directory: try TemporaryDirectory())
            try await runCommand([
                "init", "--kubernetes-dir", cluster.kubernetesDir, "--db", cluster.db, "--node-name", "cp1",
                "--apiserver-advertise-address", "127.0.0.1", "--encryption-algorithm", "ECDSA-P256",
            ])
            return cluster
        }

        /// The full tokens in the database, read as `token list` reads them.
        func tokens() async throws -> [String] {
            let store = try #require(try StateStoreLocation(db: db, kubernetesDir: nil).openReadOnly(withKey: true))
            return try await store.listTokens(now: Date()).map(\.token.token)
        }

        /// Nothing but the one key at the recorded place.
        func expectOneKey(sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(FileManager.default.fileExists(atPath: recordedKey), sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: keyBesideDB), sourceLocation: sourceLocation)
        }
    }

    /// Read-only commands: they succeed without --kubernetes-dir and leave the directory exactly as it was.
    @Test(arguments: [
        ["token", "list"], ["token", "list", "-o", "json"], ["kubeconfig", "list"],
        ["kubeconfig", "list", "-o", "json"],
        ["ca", "status", "--cert-dir", "{certs}"], ["sa", "status", "--cert-dir", "{certs}"],
        ["rotate", "--dry-run", "--cert-dir", "{certs}"],
    ])
    func readOnlyCommandCreatesNothing(_ arguments: [String]) async throws {
        let cluster = try await Cluster.make()
        defer { cluster.directory.remove() }
        let before = filesUnder(cluster.directory.url)
        let args = arguments.map { $0 == "{certs}" ? cluster.certDir : $0 } + ["--db", cluster.db]
        try await runCommand(args)
        #expect(filesUnder(cluster.directory.url) == before)
        cluster.expectOneKey()
    }

    /// Read-only commands on a database that does not exist: no database, no key, no directory.
    @Test(arguments: [["token", "list"], ["kubeconfig", "list"]])
    func readOnlyCommandOnAMissingDatabaseCreatesNothing(_ arguments: [String]) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await runCommand(arguments + ["--db", directory.path("nowhere/state.db")])
        #expect(filesUnder(directory.url).isEmpty)
    }

    /// A read-only open leaves expired tokens out instead of deleting them (a delete would fail on a read-only
    /// connection: `token list` on an aged tree); the next read-write open sweeps them as before.
    @Test func readOnlyStoreSkipsExpiredTokensWithoutDeleting() async throws {
        let cluster = try await Cluster.make()
        defer { cluster.directory.remove() }
        let later = Date().addingTimeInterval(2 * 86_400)  // past init's 24h token
        let location = StateStoreLocation(db: cluster.db, kubernetesDir: nil)
        let readOnly = try #require(try location.openReadOnly(withKey: true))
        #expect(try await readOnly.listTokens(now: Date()).count == 1)
        let id = try #require(try await readOnly.listTokens(now: Date()).first?.token.id)
        #expect(try await readOnly.listTokens(now: later).isEmpty)
        #expect(try await readOnly.token(id: id, now: later) == nil)
        #expect(try await readOnly.token(id: id, now: Date()) != nil)
        #expect(try await cluster.tokens().count == 1)  // still there: nothing was deleted
    }

    /// `kubeconfig list` needs no key at all.
    @Test func kubeconfigListNeedsNoKey() async throws {
        let cluster = try await Cluster.make()
        defer { cluster.directory.remove() }
        try FileManager.default.removeItem(atPath: cluster.recordedKey)
        try await runCommand(["kubeconfig", "list", "--db", cluster.db])
        #expect(!FileManager.default.fileExists(atPath: cluster.recordedKey))
        #expect(!FileManager.default.fileExists(atPath: cluster.keyBesideDB))
    }

    /// Token commands that write use the recorded key.
    @Test func tokenCommandsWriteWithTheRecordedKey() async throws {
        let cluster = try await Cluster.make()
        defer { cluster.directory.remove() }
        let token = "abcdef.0123456789abcdef"
        try await runCommand(["token", "create", token, "--db", cluster.db])
        #expect(try await cluster.tokens().contains(token))
        try await runCommand(["token", "authenticate", token, "--db", cluster.db])
        try await runCommand(["token", "sweep", "--db", cluster.db])
        try await runCommand(["token", "delete", "abcdef", "--db", cluster.db])
        let left = try await cluster.tokens()
        #expect(!left.contains(token))
        #expect(left.count == 1)  // init's token
        cluster.expectOneKey()
    }

    /// upload-certs and download-certs (the tree by --cert-dir) use the recorded key.
    @Test func copyCertsUseTheRecordedKey() async throws {
        let cluster = try await Cluster.make()
        defer { cluster.directory.remove() }
        let key = String(repeating: "ab", count: 32)
        try await runCommand([
            "upload-certs", "--certificate-key", key, "--cert-dir", cluster.certDir, "--db", cluster.db,
        ])
        let target = cluster.directory.path("joined/pki")
        try await runCommand(["download-certs", "--certificate-key", key, "--cert-dir", target, "--db", cluster.db])
        #expect(FileManager.default.fileExists(atPath: target + "/ca.key"))
        cluster.expectOneKey()
    }

    /// A missing key is an error naming the database, the key and the flag, for reading and writing commands alike,
    /// and no command creates a new key for the database.
    @Test(arguments: [
        ["token", "list"], ["token", "create"], ["token", "sweep"], ["upload-certs", "--cert-dir", "{certs}"],
    ])
    func missingKeyIsNamedAndNeverReplaced(_ arguments: [String]) async throws {
        let cluster = try await Cluster.make()
        defer { cluster.directory.remove() }
        try FileManager.default.removeItem(atPath: cluster.recordedKey)
        let args = arguments.map { $0 == "{certs}" ? cluster.certDir : $0 } + ["--db", cluster.db]
        let error = await #expect(throws: StateKeyError.self) { try await runCommand(args) }
        let message = error?.description ?? ""
        #expect(
            message.contains(cluster.db) && message.contains(cluster.recordedKey)
                && message.contains("--kubernetes-dir"))
        #expect(!FileManager.default.fileExists(atPath: cluster.recordedKey))
        #expect(!FileManager.default.fileExists(atPath: cluster.keyBesideDB))
    }

    /// Another cluster's --kubernetes-dir: a mismatch naming both key files.
    @Test func otherClustersKeyIsAMismatch() async throws {
        let cluster = try await Cluster.make()
        defer { cluster.directory.remove() }
        let other = cluster.directory.path("other")
        try await runCommand(["token", "create", "--db", cluster.directory.path("other.db"), "--kubernetes-dir", other])
        let error = await #expect(throws: StateKeyError.self) {
            try await runCommand(["token", "list", "--db", cluster.db, "--kubernetes-dir", other])
        }
        let message = error?.description ?? ""
        #expect(
            message.contains(cluster.recordedKey) && message.contains(other + "/pki/clusterpki-state.key"), "\(message)"
        )
    }

    /// A new database given only by --db gets its key beside it.
    @Test func newDatabaseWithOnlyDBGetsItsKeyBesideIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await runCommand(["token", "create", "--db", directory.path("state.db")])
        #expect(filesUnder(directory.url) == ["clusterpki-state.key", "state.db"])
        #expect(
            try SQLiteStateStore.keyRecord(path: directory.path("state.db"))?.keyPath
                == directory.path("clusterpki-state.key"))
    }
}
