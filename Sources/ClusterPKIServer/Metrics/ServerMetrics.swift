import ClusterPKIAPI
import Foundation
import Prometheus
import Synchronization

/// The endpoint's Prometheus metrics, on a registry of its own (tests run several servers in one process).
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The per-request series, found here by their label values: the registry validates the name and help text
    /// and hashes every label on each `make` call (~7,000 instructions, three calls a signed CSR).
    private let requests = Mutex<[RequestSeries: Counter]>([:])
    private let signed = Mutex<[String: Counter]>([:])
    private let tokenChecks = Mutex<[String: DurationHistogram]>([:])

    private struct RequestSeries: Hashable, Sendable {
        let method: String
        let route: String
        let code: Int
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The methods counted under their own name; any other is counted as `OTHER`, as the API server's metrics
    /// do, so that a client sending made-up methods cannot add series without bound.
    static let countedMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// `clusterpki_http_requests_total{method,route,code}`; `route` is the route template, never the raw path.
    func request(method: String, route: String, code: Int) {
        let method = Self.countedMethods.contains(method) ? method : "OTHER"
        let series = RequestSeries(method: method, route: route, code: code)
        Self.cached(series, in: requests) {
            registry.makeCounter(
                name: "clusterpki_http_requests_total",
                labels: [("method", method), ("route", route), ("code", String(code))],
                help: "HTTP requests by route template and status code.")
        }.increment()
    }

    func csrSigned(signer: String) {
        Self.cached(signer, in: signed) {
            registry.makeCounter(
                name: "clusterpki_csrs_signed_total", labels: [("signer", signer)],
                help: "CertificateSigningRequests approved and signed.")
        }.increment()
    }

    /// The series of `key`, made by `make` the first time. The keys are bounded: route templates, status codes,
    /// the counted methods, the signer names a policy allows, the two token-check paths.
    private static func cached<Key: Hashable & Sendable, Series: Sendable>(
        _ key: Key, in cache: borrowing Mutex<[Key: Series]>, make: () -> Series
    ) -> Series {
        if let series = cache.withLock({ $0[key] }) { return series }
        let series = make()
        cache.withLock { $0[key] = series }
        return series
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
        Self.cached(path, in: tokenChecks) {
            registry.makeDurationHistogram(
                name: "clusterpki_token_check_duration_seconds", labels: [("path", path)],
                buckets: Self.tokenCheckBuckets,
                help: "Bootstrap-token checks by the state store: read_only (no use limit) or write.")
        }.record(duration)
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
