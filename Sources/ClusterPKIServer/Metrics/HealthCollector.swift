import ClusterPKIHealth
import Foundation

/// Sets the health gauges at each scrape from one run of the health model, the one `clusterpki doctor` prints:
/// `clusterpki_certificate_expiry_timestamp_seconds{name,ca}` for every certificate of the tree, every kubeconfig
/// and the server's own, and `clusterpki_health_findings{severity}` for every severity (0 included). The run reads
/// files only (``HealthCheck/readsStore`` false): an anonymous route never reaches the store, so token and ledger
/// findings are on `/ui/` and in `clusterpki doctor`, not counted here.
struct HealthCollector: Sendable {
    let metrics: ServerMetrics

    func collect(_ report: HealthReport) {
        for certificate in report.certificates {
            guard let notAfter = certificate.notAfter else { continue }
            metrics.expiry(name: certificate.name, ca: certificate.authority, notAfter: notAfter)
        }
        for severity in HealthSeverity.allCases {
            metrics.healthFindings(severity: severity.rawValue, count: report.summary[severity])
        }
    }
}
