import ClusterPKIAPI
import Foundation
import Prometheus

/// The endpoint's Prometheus metrics, on a registry of its own (tests run several servers in one process).
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// `clusterpki_http_requests_total{method,route,code}`; `route` is the route template, never the raw path.
    func request(method: String, route: String, code: Int) {
        registry.makeCounter(
            name: "clusterpki_http_requests_total",
            labels: [("method", method), ("route", route), ("code", String(code))],
            help: "HTTP requests by route template and status code."
        ).increment()
    }

    func csrSigned(signer: String) {
        registry.makeCounter(
            name: "clusterpki_csrs_signed_total", labels: [("signer", signer)],
            help: "CertificateSigningRequests approved and signed."
        ).increment()
    }

    func csrDenied(signer: String, reason: String) {
        registry.makeCounter(
            name: "clusterpki_csrs_denied_total", labels: [("signer", signer), ("reason", reason)],
            help: "CertificateSigningRequests denied."
        ).increment()
    }

    /// Failed bootstrap-token authentications; `reason="locked_out"` counts requests refused during back-off.
    func tokenAuthFailure(reason: String) {
        registry.makeCounter(
            name: "clusterpki_token_auth_failures_total", labels: [("reason", reason)],
            help: "Bootstrap-token authentication failures, including requests refused during back-off."
        ).increment()
    }

    /// `clusterpki_token_check_duration_seconds{path}`: how long the store took to check a bootstrap token.
    /// `path="read_only"`: the read-only check every token goes through first (it decides a token without a use
    /// limit with one read); `path="write"`: the write path for the others (a use consumed, a failure counted). On etcd this is the store's round trip to the cluster, the figure
    /// to watch when joins slow down; a bucket ends at 5 ms, the target of `scripts/bench.sh ha`.
    func tokenCheck(path: String, duration: Duration) {
        registry.makeDurationHistogram(
            name: "clusterpki_token_check_duration_seconds", labels: [("path", path)],
            buckets: Self.tokenCheckBuckets,
            help: "Bootstrap-token checks by the state store: read_only (no use limit) or write."
        ).record(duration)
    }

    static let tokenCheckBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(3),
        .milliseconds(4), .milliseconds(5), .milliseconds(7), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
    ]

    func clientCertificateFailure(reason: String) {
        registry.makeCounter(
            name: "clusterpki_client_certificate_failures_total", labels: [("reason", reason)],
            help: "Client certificates rejected after the TLS handshake."
        ).increment()
    }

    func uploadFetch(result: String) {
        registry.makeCounter(
            name: "clusterpki_upload_fetches_total", labels: [("result", result)], help: "kubeadm-certs fetches."
        ).increment()
    }

    /// `clusterpki_certificate_expiry_timestamp_seconds{name,ca}`.
    func expiry(name: String, ca: String, notAfter: Date) {
        registry.makeGauge(
            name: "clusterpki_certificate_expiry_timestamp_seconds", labels: [("name", name), ("ca", ca)],
            help: "NotAfter of each certificate of the tree and each kubeconfig, as a Unix timestamp."
        ).set(to: notAfter.timeIntervalSince1970)
    }

    /// `clusterpki_health_findings{severity}`: what `clusterpki doctor` would report now.
    func healthFindings(severity: String, count: Int) {
        registry.makeGauge(
            name: "clusterpki_health_findings", labels: [("severity", severity)],
            help: "Findings of the health model (clusterpki doctor) by severity: ok, info, warning, error, critical."
        ).set(to: Double(count))
    }

    func servingCertificateRenewal() {
        registry.makeCounter(
            name: "clusterpki_serving_certificate_renewals_total", help: "Serving certificate reissues."
        ).increment()
    }

    /// The text exposition format.
    public func render() -> String { registry.emitToString() }
}
