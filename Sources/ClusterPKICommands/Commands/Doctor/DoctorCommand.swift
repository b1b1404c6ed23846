import ArgumentParser
import ClusterPKIHealth
import Foundation

/// `clusterpki doctor`: the health model of this node's PKI, for people (text) or machines (JSON).
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this node's PKI and print the command that fixes each problem.",
        discussion: """
            Reads and never writes. Checks that every certificate chains to its CA, matches its key and covers its \
            configured SANs; that every kubeconfig trusts pki/ca.crt, points at the cluster's endpoint and holds a \
            client certificate of the CA; that nothing is expired or inside the policy's renewal window; what a CA \
            or service-account key rotation in progress waits for; bootstrap tokens near expiry; the last rotate \
            report; file modes (keys 0600, directories 0700); and that the state database opens with its key. \
            Pass the --config (and --policy) init used, so the expected SANs and endpoint are the cluster's.

            Exit status, by the worst finding: 0 ok or info, 1 warning, 2 error, 3 critical.
            """)

    @Option(name: [.customShort("o"), .long], help: "text or json.")
    var output = "text"

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    @Option(help: "The JSON report `clusterpki rotate --report` writes.")
    var rotateReport = HealthCheck.defaultRotateReport.path

    func validate() throws {
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json") }
    }

    func run() async throws {
        let report = try await report()
        print(
            output == "json" ? try report.json() : HealthReportText.render(report),
            terminator: output == "json" ? "\n" : "")
        if report.worst.exitCode != 0 { throw ExitCode(report.worst.exitCode) }
    }

    /// The health of the tree and store these flags name, as of `now`.
    func report(now: Date = Date()) async throws -> HealthReport {
        var context = try directories.context()
        context.now = now
        // The state key checked is the tree's own (etcd's key is always the tree's; SQLite's, too, for the doctor).
        var location = try state.location(directories, context.settings, policy: context.policy)
        location.kubernetesDir = context.settings.kubernetesDir
        let access = await location.inspect()
        return await HealthCheck(
            context: context, state: access, rotateReport: URL(fileURLWithPath: rotateReport),
            commands: directories.fixCommands(db: state.db),
            settingsSource: directories.config.map { "--config \($0)" } ?? "the defaults (pass --config as for init)"
        ).run()
    }
}
