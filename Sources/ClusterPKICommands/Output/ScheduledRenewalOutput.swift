import ClusterPKILifecycle
import Foundation

/// `rotate`'s texts beyond the renewal lines: a dry run's report and the failure list on stderr.
enum ScheduledRenewalOutput {
    /// A dry run prints the report it did not write to `path` (as given on the command line).
    static func unwrittenReport(_ json: String, path: String) -> String {
        "[dry-run] report not written to \(path):\n" + json
    }

    /// For stderr when the run failed: a heading, then one line per failure.
    static func failureLines(_ report: ScheduledRenewalReport) -> [String] {
        ["error: rotation failed:"] + report.failures.map { "  - \($0)" }
    }
}
