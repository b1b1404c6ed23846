import ArgumentParser
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation

/// `clusterpki rotate`: the scheduled renewal a timer runs on every control-plane node.
struct RotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Renew every certificate whose remaining lifetime is below the policy's renewal window.",
        discussion: """
            Covers the PKI leaves, the client certificates of the renewable kubeconfig files, clusterpki-server and, \
            on a node that holds pki/ca.key, its own kubelet.conf client certificate (embedded, or the file it names). \
            A certificate is due once less than `renewal.window` of its lifetime is left (policy; default 1/3, at most \
            `renewal.maxWindow`, default 720h). Exits 0 when nothing failed, 1 with the list of failures otherwise. \
            Running it again right away renews nothing.
            """)

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    @Option(help: "Write a JSON report of what was renewed, not due, skipped and failed to this file.")
    var report: String?

    @Flag(help: "Print what would be renewed and write nothing.")
    var dryRun = false

    @Option(help: "A shell command run once (via /bin/sh -c) after anything was renewed, e.g. to restart static pods.")
    var restartHook: String?

    @Flag(help: "No progress counter (it is shown only when standard error is a terminal).")
    var quiet = false

    func run() async throws {
        let context = try directories.context()
        // A dry run creates nothing, not even the state database: it reads the ledger read-only if there is one.
        let location = try state.location(directories, context.settings, policy: context.policy)
        let store = try await dryRun ? location.openReadOnlyState(withKey: false) : Optional(location.openState())
        var job = ScheduledRenewal(
            context: context, store: store, actor: LedgerActor.current(), dryRun: dryRun, restartHook: restartHook)
        let display = ProgressDisplay(quiet: quiet)
        job.progress = display.sink
        let result: ScheduledRenewalReport
        do {
            defer { display.clear() }
            result = try await job.run { print($0) }
        }
        if let report, let unwritten = try result.save(to: URL(fileURLWithPath: report)) {
            print(ScheduledRenewalOutput.unwrittenReport(unwritten, path: report), terminator: "")
        }
        print(result.summary)
        guard result.succeeded else {
            ScheduledRenewalOutput.failureLines(result).forEach(Console.warn)
            throw ExitCode.failure
        }
    }
}
