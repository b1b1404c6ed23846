import ArgumentParser
import ClusterPKICommands
import Foundation
import SnapshotTesting
import Testing

/// Never records unless asked to explicitly: a missing or different golden file fails the test.
private let helpRecordMode: SnapshotTestingConfiguration.Record =
    ProcessInfo.processInfo.environment["CLUSTERPKI_RECORD_HELP"] == "1" ? .all : .never

/// Every command's `--help`, at every level, against the golden files in `__Snapshots__/HelpSnapshotTests/`: flags,
/// defaults and help texts are a contract, so none may change by accident.
///
/// The tree is walked from ``ClusterPKICommand``'s configuration, so a new command gets a snapshot test without being
/// listed here (and fails until its golden file is committed). Recording is off: a missing or different file fails.
/// After an intended change, re-record explicitly with `CLUSTERPKI_RECORD_HELP=1 swift test --filter HelpSnapshotTests`
/// and review the diff.
@Suite(.snapshots(record: helpRecordMode))
struct HelpSnapshotTests {
    /// A fixed width, so the wrapping does not depend on the terminal running the tests.
    static let columns = 100

    /// Every command of the tree (hidden ones too), keyed by its path, e.g. `clusterpki-token-create`.
    static let commands: [String: any ParsableCommand.Type] = {
        var found: [String: any ParsableCommand.Type] = [:]
        func walk(_ command: any ParsableCommand.Type, path: [String]) {
            let path = path + [command._commandName]
            found[path.joined(separator: "-")] = command
            for subcommand in command.configuration.subcommands { walk(subcommand, path: path) }
        }
        walk(ClusterPKICommand.self, path: [])
        return found
    }()

    static var commandPaths: [String] { commands.keys.sorted() }

    @Test(arguments: commandPaths)
    func helpIsUnchanged(_ path: String) throws {
        let command = try #require(Self.commands[path])
        let help = ClusterPKICommand.helpMessage(for: command, columns: Self.columns)
        assertSnapshot(of: help, as: .lines, named: path, testName: "help")
    }

    /// A golden file without a command means a command (or a level) disappeared.
    @Test func everyGoldenFileHasACommand() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("__Snapshots__/HelpSnapshotTests")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }
        let expected = Set(Self.commandPaths.map { "help.\($0).txt" })
        #expect(Set(files) == expected)
    }

    /// The walk reaches the deepest levels (a broken walk would test only the root).
    @Test func walkReachesNestedCommands() {
        for path in [
            "clusterpki", "clusterpki-token-create", "clusterpki-kubeconfig-user", "clusterpki-sa-status",
            "clusterpki-ca-rotate", "clusterpki-kubelet-renew",
        ] {
            #expect(Self.commands[path] != nil, "\(path) is missing from the command tree")
        }
    }
}
