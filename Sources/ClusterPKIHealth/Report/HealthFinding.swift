/// One fact the health model found: how bad, about what, what is wrong, and the command that fixes it.
public struct HealthFinding: Sendable, Hashable, Codable {
    public var area: HealthArea
    public var severity: HealthSeverity
    /// What it is about, e.g. `apiserver`, `admin.conf`, `pki/apiserver.key`, `token abcdef`; empty for a summary.
    public var subject: String
    /// What is wrong (or, for `ok`, what was checked).
    public var message: String
    /// The command (or the step) that fixes it; nil when there is nothing to do.
    public var fix: String?

    public init(
        _ area: HealthArea, _ severity: HealthSeverity, _ subject: String, _ message: String, fix: String? = nil
    ) {
        self.area = area
        self.severity = severity
        self.subject = subject
        self.message = message
        self.fix = fix
    }
}
