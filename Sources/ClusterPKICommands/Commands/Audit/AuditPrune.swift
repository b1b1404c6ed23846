import ArgumentParser
import ClusterPKICore
import Foundation

/// `audit prune`: what `clusterpki serve` does once a window, on demand.
struct AuditPrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete audit events beyond the policy's retention (audit.maxAge, audit.maxRows)")

    @OptionGroup var options: TokenStoreOptions

    @Option(help: "Keep events at most this old instead of the policy's audit.maxAge, e.g. 168h.")
    var maxAge: String?

    @Option(help: "Keep at most this many events instead of the policy's audit.maxRows.")
    var maxRows: Int?

    func run() async throws {
        var retention = try PKIPolicy(locating: options.policy).auditPolicy
        if let maxAge { retention.maxAge = try GoDuration(parsing: maxAge, field: "--max-age") }
        if let maxRows { retention.maxRows = maxRows }
        guard retention.maxAge.seconds > 0, retention.maxRows > 0 else {
            throw ValidationError("--max-age and --max-rows must be positive")
        }
        let now = Date()
        let deleted = try await options.openStore().pruneAuditEvents(
            olderThan: retention.cutoff(now: now), keepingNewest: retention.maxRows)
        print(AuditOutput.pruned(deleted))
    }
}
