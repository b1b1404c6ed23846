import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@Suite struct FileTransactionTests {
    @Test func commitWritesEveryFileWithItsMode() async throws {
        try await TestSupport.withTemporaryDirectory { dir in
            let root = dir.appendingPathComponent("pki")
            var transaction = FileTransaction()
            transaction.write("cert\n", to: "etcd/server.crt", mode: 0o644)
            transaction.write("key\n", to: "etcd/server.key", mode: 0o600)
            transaction.write("top\n", to: "ca.crt", mode: 0o644)
            try transaction.commit(in: root)
            #expect(try TestSupport.read(root.appendingPathComponent("etcd/server.crt")) == "cert\n")
            #expect(try TestSupport.read(root.appendingPathComponent("etcd/server.key")) == "key\n")
            #expect(try TestSupport.read(root.appendingPathComponent("ca.crt")) == "top\n")
            #expect(try TestSupport.mode(root.appendingPathComponent("etcd/server.crt")) == 0o644)
            #expect(try TestSupport.mode(root.appendingPathComponent("etcd/server.key")) == 0o600)
            #expect(try TestSupport.mode(root) == 0o700)
            #expect(try TestSupport.mode(root.appendingPathComponent("etcd")) == 0o700)
            // No journal or temporary file is left behind.
            #expect(
                try Set(TestSupport.snapshot(root).keys) == ["etcd", "etcd/server.crt", "etcd/server.key", "ca.crt"])
        }
    }

    @Test func singleFileCommitReplacesAtomicallyAndLeavesNoTemporary() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            try "old\n".write(to: root.appendingPathComponent("sa.pub"), atomically: false, encoding: .utf8)
            var transaction = FileTransaction()
            transaction.write("new\n", to: "sa.pub", mode: 0o600)
            try transaction.commit(in: root)
            #expect(try TestSupport.read(root.appendingPathComponent("sa.pub")) == "new\n")
            #expect(try TestSupport.mode(root.appendingPathComponent("sa.pub")) == 0o600)
            #expect(try Set(TestSupport.snapshot(root).keys) == ["sa.pub"])
        }
    }

    @Test func laterWriteToTheSamePathWins() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            var transaction = FileTransaction()
            transaction.write("first", to: "a.crt", mode: 0o644)
            transaction.write("second", to: "a.crt", mode: 0o600)
            #expect(transaction.entries.count == 1)
            try transaction.commit(in: root)
            #expect(try TestSupport.read(root.appendingPathComponent("a.crt")) == "second")
            #expect(try TestSupport.mode(root.appendingPathComponent("a.crt")) == 0o600)
        }
    }

    @Test func emptyTransactionWritesNothing() async throws {
        try await TestSupport.withTemporaryDirectory { dir in
            let root = dir.appendingPathComponent("never")
            try FileTransaction().commit(in: root)
            #expect(!FileManager.default.fileExists(atPath: root.path))
        }
    }

    @Test func commitToAReadOnlyDirectoryFailsWithoutPartialFiles() async throws {
        guard getuid() != 0 else { return }  // root ignores permissions
        try await TestSupport.withTemporaryDirectory { root in
            try "old".write(to: root.appendingPathComponent("a.crt"), atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: root.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: root.path) }
            var transaction = FileTransaction()
            transaction.write("new", to: "a.crt", mode: 0o644)
            transaction.write("new", to: "a.key", mode: 0o600)
            #expect(throws: PKIError.self) { try transaction.commit(in: root) }
            #expect(try Set(TestSupport.snapshot(root).keys) == ["a.crt"])
            #expect(try TestSupport.read(root.appendingPathComponent("a.crt")) == "old")
        }
    }

    // MARK: Recovery (journal layout from Storage/FileTransaction.swift)

    @Test func uncommittedJournalIsDiscarded() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            try "old cert".write(to: root.appendingPathComponent("apiserver.crt"), atomically: false, encoding: .utf8)
            let journal = root.appendingPathComponent(".clusterpki-txn-x")
            try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: false)
            try "new cert".write(to: journal.appendingPathComponent("0"), atomically: false, encoding: .utf8)
            try "new key".write(to: journal.appendingPathComponent("1"), atomically: false, encoding: .utf8)
            try Data(#"["apiserver.crt","apiserver.key"]"#.utf8).write(
                to: journal.appendingPathComponent("manifest.pending"))
            let recovered = try FileTransaction.recover(in: root)
            #expect(recovered.isEmpty)
            #expect(try Set(TestSupport.snapshot(root).keys) == ["apiserver.crt"])
            #expect(try TestSupport.read(root.appendingPathComponent("apiserver.crt")) == "old cert")
        }
    }

    @Test func committedJournalIsRolledForward() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("etcd"), withIntermediateDirectories: false)
            try "old cert".write(to: root.appendingPathComponent("etcd/server.crt"), atomically: false, encoding: .utf8)
            try "old key".write(to: root.appendingPathComponent("etcd/server.key"), atomically: false, encoding: .utf8)
            let journal = root.appendingPathComponent(".clusterpki-txn-x")
            try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: false)
            try "new cert".write(to: journal.appendingPathComponent("0"), atomically: false, encoding: .utf8)
            try "new key".write(to: journal.appendingPathComponent("1"), atomically: false, encoding: .utf8)
            try Data(#"["etcd/server.crt","etcd/server.key"]"#.utf8).write(
                to: journal.appendingPathComponent("manifest"))
            let recovered = try FileTransaction.recover(in: root)
            #expect(recovered == ["etcd/server.crt", "etcd/server.key"])
            #expect(try TestSupport.read(root.appendingPathComponent("etcd/server.crt")) == "new cert")
            #expect(try TestSupport.read(root.appendingPathComponent("etcd/server.key")) == "new key")
            #expect(!FileManager.default.fileExists(atPath: journal.path))
        }
    }

    @Test func partlyRolledForwardJournalIsCompleted() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            // The crash happened after "0" was renamed into place, before "1".
            try "new cert".write(to: root.appendingPathComponent("a.crt"), atomically: false, encoding: .utf8)
            try "old key".write(to: root.appendingPathComponent("a.key"), atomically: false, encoding: .utf8)
            let journal = root.appendingPathComponent(".clusterpki-txn-y")
            try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: false)
            try "new key".write(to: journal.appendingPathComponent("1"), atomically: false, encoding: .utf8)
            try Data(#"["a.crt","a.key"]"#.utf8).write(to: journal.appendingPathComponent("manifest"))
            try FileTransaction.recover(in: root)
            #expect(try TestSupport.read(root.appendingPathComponent("a.crt")) == "new cert")
            #expect(try TestSupport.read(root.appendingPathComponent("a.key")) == "new key")
            #expect(try Set(TestSupport.snapshot(root).keys) == ["a.crt", "a.key"])
        }
    }

    @Test func strayTemporaryFilesAreRemoved() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("etcd"), withIntermediateDirectories: false)
            try "partial".write(
                to: root.appendingPathComponent(".sa.pub.clusterpki-tmp-abc"), atomically: false, encoding: .utf8)
            try "partial".write(
                to: root.appendingPathComponent("etcd/.ca.crt.clusterpki-tmp-def"), atomically: false, encoding: .utf8)
            try "keep".write(to: root.appendingPathComponent("ca.crt"), atomically: false, encoding: .utf8)
            try FileTransaction.recover(in: root)
            #expect(try Set(TestSupport.snapshot(root).keys) == ["etcd", "ca.crt"])
        }
    }

    @Test func recoverOnAMissingDirectoryDoesNothing() throws {
        #expect(try FileTransaction.recover(in: URL(fileURLWithPath: "/nonexistent/clusterpki")).isEmpty)
    }

    @Test func generateRunsRecoveryFirst() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try CertsPhaseTests.context(root)
            try await CertsPhase(context: context).generate(["front-proxy-ca"])
            let pki = context.directory.root
            let journal = pki.appendingPathComponent(".clusterpki-txn-z")
            try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: false)
            try "uncommitted".write(to: journal.appendingPathComponent("0"), atomically: false, encoding: .utf8)
            let lines = try await CertsPhase(context: context).generate(["front-proxy-ca"])
            #expect(lines.last == "[certs] Using the existing \"front-proxy-ca\" certificate and key")
            #expect(!FileManager.default.fileExists(atPath: journal.path))
        }
    }
}
