import ClusterPKICore
import ClusterPKIServer
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `/metrics` takes its expiry gauges and its finding counts from the health model.
@Suite struct HealthMetricsTests {
    @Test func metricsCountFindingsBySeverityAndExportExpiry() async throws {
        let cluster = try TestCluster()
        try await cluster.application().test(.router) { client in
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            for severity in ["ok", "info", "warning", "error", "critical"] {
                #expect(text.contains("clusterpki_health_findings{severity=\"\(severity)\"}"), "\(severity)")
            }
            func value(_ series: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap {
                    Double($0.split(separator: " ").last!)
                }
            }
            let notAfter = cluster.authority.certificate.notValidAfter.timeIntervalSince1970
            #expect(value("clusterpki_certificate_expiry_timestamp_seconds{name=\"ca\",ca=\"ca\"}") == notAfter)
            // The endpoint test cluster has a CA only: every leaf of the policy is missing, an error of the model.
            #expect((value("clusterpki_health_findings{severity=\"error\"}") ?? 0) > 0)
        }
    }
}
