import ArgumentParser
import ClusterPKICore
import ClusterPKIHealth
import ClusterPKILifecycle
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import SnapshotTesting
import Testing

@testable import ClusterPKICommands

/// Never records unless asked to: a missing or different golden file fails the test.
private let doctorRecordMode: SnapshotTestingConfiguration.Record =
    ProcessInfo.processInfo.environment["CLUSTERPKI_RECORD_DOCTOR"] == "1" ? .all : .never

/// `clusterpki doctor` end to end through its flags (store opened read-only, fix commands with the same flags), its
/// text snapshotted for a fresh tree, a tree aged 400 days, a tree mid-rotation, broken modes and a wrong state key.
/// Re-record after an intended change with `CLUSTERPKI_RECORD_DOCTOR=1 swift test --filter DoctorCommandTests`.
@Suite(.snapshots(record: doctorRecordMode))
struct DoctorCommandTests {
    /// The doctor as an operator runs it on the node of ``NodeTree``: its --config gives node name and address.
    static func doctor(_ tree: NodeTree, _ extra: [String] = []) throws -> DoctorCommand {
        let config = tree.root.appendingPathComponent("kubeadm.yaml")
        try """
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: InitConfiguration
        localAPIEndpoint:
          advertiseAddress: 10.0.0.10
        nodeRegistration:
          name: cp-1

        """.write(to: config, atomically: true, encoding: .utf8)
        return try DoctorCommand.parse(
            [
                "--kubernetes-dir", tree.root.path, "--config", config.path, "--db", tree.database, "--rotate-report",
                tree.rotateReport.path,
            ]
                + extra)
    }

    /// The text with the temporary directory replaced, so the golden file holds no random path.
    static func text(_ report: HealthReport, root: URL) -> String {
        HealthReportText.render(report).replacingOccurrences(of: root.path, with: "$ROOT")
    }

    @Test func freshTree() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let report = try await Self.doctor(try await NodeTree.make(root)).report(now: TestSupport.start)
            #expect(report.worst == .ok)
            assertSnapshot(of: Self.text(report, root: root), as: .lines, named: "fresh")
        }
    }

    @Test func treeAged400Days() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let report = try await Self.doctor(try await NodeTree.make(root)).report(
                now: TestSupport.start + 400 * TestSupport.day)
            #expect(report.worst.exitCode == 3)
            assertSnapshot(of: Self.text(report, root: root), as: .lines, named: "aged-400-days")
        }
    }

    @Test func treeMidRotation() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            _ = try await CertificateAuthorityRotation(
                context: tree.context, authority: "ca", store: tree.store, actor: "test"
            ).run(.prepare)
            let report = try await Self.doctor(tree).report(now: TestSupport.start + 3600)
            #expect(report.worst == .info)
            assertSnapshot(of: Self.text(report, root: root), as: .lines, named: "mid-rotation")
        }
    }

    @Test func brokenModes() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o644], ofItemAtPath: tree.context.directory.url("sa", "key").path)
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o755],
                ofItemAtPath: tree.context.directory.url("etcd/ca", "crt").deletingLastPathComponent().path)
            let report = try await Self.doctor(tree).report(now: TestSupport.start)
            #expect(report.worst.exitCode == 2)
            assertSnapshot(of: Self.text(report, root: root), as: .lines, named: "broken-modes")
        }
    }

    /// A key of another database: reported (critical), and the doctor neither replaces the key nor touches the file.
    @Test func wrongStateKey() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let other = String(repeating: "ab", count: 32) + "\n"
            try Data(other.utf8).write(to: tree.keyURL)
            let command = try Self.doctor(tree)
            // SQLite's -wal and -shm files belong to the connection the fixture keeps open.
            func files() throws -> [String: String] {
                try TestSupport.snapshot(root).filter { !$0.key.hasSuffix("-wal") && !$0.key.hasSuffix("-shm") }
            }
            let before = try files()
            let report = try await command.report(now: TestSupport.start)
            #expect(report.worst == .critical)
            #expect(try files() == before)
            assertSnapshot(of: Self.text(report, root: root), as: .lines, named: "wrong-state-key")
        }
    }

    /// No database: nothing is created, the state finding says so.
    @Test func missingDatabaseIsNotCreated() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let elsewhere = root.appendingPathComponent("nowhere/state.db").path
            let report = try await Self.doctor(tree, ["--db", elsewhere]).report(now: TestSupport.start)
            #expect(report.finding(in: .state)?.severity == .info)
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("nowhere").path))
        }
    }

    @Test func jsonIsTheReport() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let report = try await Self.doctor(try await NodeTree.make(root), ["-o", "json"]).report(
                now: TestSupport.start)
            let decoded = try JSONDecoder.iso8601.decode(HealthReport.self, from: Data(report.json().utf8))
            #expect(decoded.kind == "HealthReport")
            #expect(decoded.findings == report.findings)
        }
    }

    /// A name read from a certificate or the store cannot break a line or forge one (escaped as the tables are).
    @Test func textEscapesWhatItReads() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            var report = try await Self.doctor(try await NodeTree.make(root)).report(now: TestSupport.start)
            report.findings = [
                HealthFinding(
                    .kubeconfigs, .warning, "x.conf\n[doctor] all ok", "its client certificate is a\u{1B}[2Jb",
                    fix: "clusterpki kubeconfig generate admin")
            ]
            let lines = HealthReportText.render(report).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 5)  // header, finding, fix, counts, and the final newline
            #expect(lines[1].hasSuffix(#"x.conf\n[doctor] all ok: its client certificate is a\x1b[2Jb"#))
            #expect(lines[2].hasSuffix("fix: clusterpki kubeconfig generate admin"))
        }
    }

    @Test func rejectsAnUnknownOutput() {
        #expect(throws: (any Error).self) { try DoctorCommand.parse(["-o", "yaml"]) }
    }

    /// (The whole text is HelpSnapshotTests' golden file `help.clusterpki-doctor.txt`.)
    @Test func helpDocumentsTheExitStatus() {
        let help = ClusterPKICommand.helpMessage(for: DoctorCommand.self, columns: 100)
        #expect(help.contains("Exit status, by the worst finding: 0 ok or info, 1 warning, 2 error, 3 critical."))
    }
}

extension HealthReport {
    fileprivate func finding(in area: HealthArea) -> HealthFinding? { findings.first { $0.area == area } }
}

extension JSONDecoder {
    fileprivate static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
