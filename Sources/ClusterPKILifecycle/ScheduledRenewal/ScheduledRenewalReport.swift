import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// What one `clusterpki rotate` run did: the JSON written by `--report` and what monitoring alerts on.
public struct ScheduledRenewalReport: Sendable, Codable {
    public typealias Item = RenewalReport.Item

    /// The command a `--restart-hook` ran and how it ended.
    public struct HookResult: Sendable, Codable, Equatable {
        public var command: String
        /// The exit status, or nil when the hook could not be started.
        public var exitStatus: Int32?
        /// The last lines of its stdout and stderr.
        public var output: String
        public var succeeded: Bool { exitStatus == 0 }
    }

    public var time: Date
    public var policy: String
    public var window: String
    public var maxWindow: String
    public var dryRun: Bool
    public var renewed: [Item] = []
    public var wouldRenew: [Item] = []
    public var notDue: [Item] = []
    /// Missing files, certificates of an external CA, credentials refused by the ledger.
    public var skipped: [Item] = []
    public var failed: [Item] = []
    /// Failures outside a certificate's renewal (audit log, restart hook).
    public var errors: [String] = []
    public var hook: HookResult?
    public var succeeded = true

    init(time: Date, policy: PKIPolicy, dryRun: Bool, renewal: RenewalReport) {
        self.time = time
        self.policy = policy.name
        self.window = policy.renewalPolicy.window
        self.maxWindow = policy.renewalPolicy.maxWindow.description
        self.dryRun = dryRun
        for item in renewal.items {
            switch item.outcome {
            case .renewed: renewed.append(item)
            case .wouldRenew: wouldRenew.append(item)
            case .notDue: notDue.append(item)
            case .missing, .externalCA, .refused: skipped.append(item)
            case .failed: failed.append(item)
            }
        }
    }

    /// Every failure, one line each, for stderr and the exit status.
    public var failures: [String] {
        failed.map { "\($0.name): \($0.error ?? "failed")" } + errors
    }

    /// One line for logs and timers.
    public var summary: String {
        let verb = dryRun ? "\(wouldRenew.count) would be renewed" : "\(renewed.count) renewed"
        return
            "[rotate] \(verb), \(notDue.count) not due, \(skipped.count) skipped, \(failed.count + errors.count) failed"
    }

    /// The report as indented JSON with RFC 3339 times.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// `rotate --report`: writes the report to `url`, except in a dry run, which writes nothing and returns the JSON
    /// (for stdout) instead; nil when the file was written.
    public func save(to url: URL) throws -> String? {
        if dryRun { return try json() }
        try write(to: url)
        return nil
    }

    /// Writes the report atomically to `url`.
    public func write(to url: URL) throws {
        var transaction = FileTransaction()
        transaction.write(try json(), to: url.lastPathComponent, mode: 0o644)
        try transaction.commit(in: url.deletingLastPathComponent())
    }
}
