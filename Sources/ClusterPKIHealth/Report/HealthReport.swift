import Foundation

/// What the health model found on one node at one time: `clusterpki doctor -o json` prints it as it is.
public struct HealthReport: Sendable, Codable {
    /// How many findings of each severity.
    public struct Summary: Sendable, Hashable, Codable {
        public var ok = 0, info = 0, warning = 0, error = 0, critical = 0

        public subscript(severity: HealthSeverity) -> Int {
            get {
                switch severity {
                case .ok: return ok
                case .info: return info
                case .warning: return warning
                case .error: return error
                case .critical: return critical
                }
            }
            set {
                switch severity {
                case .ok: ok = newValue
                case .info: info = newValue
                case .warning: warning = newValue
                case .error: error = newValue
                case .critical: critical = newValue
                }
            }
        }
    }

    public static let currentAPIVersion = "clusterpki.io/v1alpha1"

    public var kind = "HealthReport"
    public var apiVersion = Self.currentAPIVersion
    public var time: Date
    public var policy: String
    public var kubernetesDir: String
    /// The worst severity found; `clusterpki doctor` exits with ``HealthSeverity/exitCode``.
    public var worst: HealthSeverity
    public var summary: Summary
    /// Grouped by area in ``HealthArea`` order, the worst first within an area.
    public var findings: [HealthFinding]
    /// Every certificate of the node, CAs first.
    public var certificates: [CertificateStatus]
    /// One entry per rotatable CA and the service-account key.
    public var rotations: [RotationStatus]

    public init(
        time: Date, policy: String, kubernetesDir: String, findings: [HealthFinding], certificates: [CertificateStatus],
        rotations: [RotationStatus]
    ) {
        self.time = time
        self.policy = policy
        self.kubernetesDir = kubernetesDir
        let order = Dictionary(uniqueKeysWithValues: HealthArea.allCases.enumerated().map { ($1, $0) })
        self.findings = findings.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.area != y.area { return order[x.area]! < order[y.area]! }
            if x.severity != y.severity { return x.severity > y.severity }
            return a.offset < b.offset
        }.map(\.element)
        var summary = Summary()
        for finding in findings { summary[finding.severity] += 1 }
        self.summary = summary
        self.worst = findings.map(\.severity).max() ?? .ok
        self.certificates = certificates
        self.rotations = rotations
    }

    /// The findings of one area.
    public func findings(in area: HealthArea) -> [HealthFinding] { findings.filter { $0.area == area } }

    /// The report as indented JSON with RFC 3339 times and sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
