import ClusterPKICore
import ClusterPKILifecycle
import Foundation

extension HealthCheck {
    /// The last `clusterpki rotate --report`: present, recent (the timer runs daily), not a dry run, and successful.
    func rotateReportFindings() -> [HealthFinding] {
        let path = rotateReport.path
        let rerun = commands.command("rotate --report \(FixCommands.quoted(path))", .treeAndState)
        guard let data = FileManager.default.contents(atPath: path) else {
            return [
                HealthFinding(
                    .rotateReport, .info, path, "no rotate report yet: nothing shows that scheduled renewal runs",
                    fix: "\(rerun) (scripts/systemd/clusterpki-rotate.timer runs it daily)")
            ]
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let report = try? decoder.decode(ScheduledRenewalReport.self, from: data) else {
            return [HealthFinding(.rotateReport, .warning, path, "is not a clusterpki rotate report", fix: rerun)]
        }
        let age = now.timeIntervalSince(report.time)
        let ran = "the last rotate (\(Self.format(report.time)))"
        if !report.succeeded {
            let failures =
                report.failures.prefix(3).joined(separator: "; ") + (report.failures.count > 3 ? "; ..." : "")
            return [
                HealthFinding(
                    .rotateReport, .error, path, "\(ran) failed: \(failures)", fix: "fix what it names, then \(rerun)")
            ]
        }
        if age > Self.rotateReportMaxAge {
            return [
                HealthFinding(
                    .rotateReport, .warning, path,
                    "\(ran) is \(HumanDuration.short(seconds: age)) old: scheduled renewal seems stopped",
                    fix: "systemctl enable --now clusterpki-rotate.timer (or \(rerun))")
            ]
        }
        if report.dryRun {
            return [HealthFinding(.rotateReport, .info, path, "\(ran) was a dry run: it renewed nothing", fix: rerun)]
        }
        return [
            HealthFinding(
                .rotateReport, .ok, path,
                "\(ran) succeeded: \(report.renewed.count) renewed, \(report.notDue.count) not due, \(report.skipped.count) skipped"
            )
        ]
    }

    /// The timer runs daily with up to 4h of random delay; two days without a report means it stopped.
    static let rotateReportMaxAge: TimeInterval = 2 * 86400
}
