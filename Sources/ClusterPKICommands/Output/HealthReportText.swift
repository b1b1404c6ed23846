import ClusterPKICore
import ClusterPKIHealth
import Foundation

/// `clusterpki doctor`'s text: one line per finding, grouped by area in a fixed order, the fix under it, and a closing
/// line with the counts and the exit status. Subjects and messages carry names read from certificates and the store:
/// they are escaped with `goEscape`, as the tables are, so none can break or forge a line. The fix stays as it is, to be
/// pasted into a shell (its words are shell-quoted already).
enum HealthReportText {
    static func render(_ report: HealthReport) -> String {
        let width = HealthArea.allCases.map { $0.rawValue.count + 2 }.max()! + 1
        let severityWidth = HealthSeverity.allCases.map(\.rawValue.count).max()! + 2
        let indent = String(repeating: " ", count: width + severityWidth)
        var lines = [
            "[doctor] policy \(report.policy), \(report.kubernetesDir), at \(ExpirationReport.expiresFormat(report.time))"
        ]
        for finding in report.findings {
            let label = "[\(finding.area.rawValue)]".padding(toLength: width, withPad: " ", startingAt: 0)
            let severity = finding.severity.rawValue.padding(toLength: severityWidth, withPad: " ", startingAt: 0)
            let subject = finding.subject.isEmpty ? "" : "\(goEscape(finding.subject)): "
            lines.append(label + severity + subject + goEscape(finding.message))
            if let fix = finding.fix { lines.append(indent + "fix: " + fix) }
        }
        let counts = HealthSeverity.allCases.reversed().map { "\(report.summary[$0]) \($0.rawValue)" }.joined(
            separator: ", ")
        lines.append("[doctor] \(counts): worst \(report.worst.rawValue), exit status \(report.worst.exitCode)")
        return lines.joined(separator: "\n") + "\n"
    }
}
