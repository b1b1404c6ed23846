/// How bad a health finding is, from nothing to do to the cluster is (or soon will be) down.
public enum HealthSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    /// Checked and fine.
    case ok
    /// Worth knowing, nothing to do now (a rotation in progress, no rotate report yet).
    case info
    /// Needs attention soon (inside the renewal window, a file mode too open for a directory).
    case warning
    /// Wrong now, the cluster may still work (a key readable by others, a kubeconfig pointing elsewhere).
    case error
    /// Broken now or the cluster stops working (expired, a key that does not match, a state key that does not fit).
    case critical

    public static func < (lhs: HealthSeverity, rhs: HealthSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// `clusterpki doctor`'s exit status for this worst severity: 0 ok or info, 1 warning, 2 error, 3 critical.
    public var exitCode: Int32 {
        switch self {
        case .ok, .info: return 0
        case .warning: return 1
        case .error: return 2
        case .critical: return 3
        }
    }
}
