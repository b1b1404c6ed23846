import ClusterPKICore
import ClusterPKIStore
import Foundation

/// One health model of a node's PKI, used by `clusterpki doctor`, the status page and `/metrics`.
///
/// Inputs: the tree (policy, settings, and `context.now` as the one clock), the state store as the caller could
/// open it, the last `rotate` report. Output: a ``HealthReport``. It reads and never writes: a check that fails to
/// read becomes a finding, so the report always comes back.
public struct HealthCheck: Sendable {
    public var context: TreeContext
    public var state: StateStoreAccess
    /// The JSON file `clusterpki rotate --report` writes.
    public var rotateReport: URL
    public var commands: FixCommands
    /// Where the settings came from, said next to findings that depend on them (e.g. `--config /etc/kubeadm.yaml`).
    public var settingsSource: String
    /// False leaves out what only the store knows (tokens, recorded phases, the ledger's nodes, the backend's own
    /// health): the anonymous `/metrics` of `clusterpki serve` never reaches the store.
    public var readsStore = true

    /// The default of `clusterpki rotate --report` in the systemd unit.
    public static let defaultRotateReport = URL(fileURLWithPath: "/var/lib/clusterpki/rotate-report.json")

    public init(
        context: TreeContext, state: StateStoreAccess, rotateReport: URL = Self.defaultRotateReport,
        commands: FixCommands = FixCommands(), settingsSource: String = "the defaults"
    ) {
        self.context = context
        self.state = state
        self.rotateReport = rotateReport
        self.commands = commands
        self.settingsSource = settingsSource
    }

    var now: Date { context.now }

    /// The store the checks may read, if any.
    var store: (any StateStore)? { readsStore ? state.store : nil }

    /// Runs every check.
    public func run() async -> HealthReport {
        let inventory = CertificateInventory(context: context)
        var findings = certificateFindings(inventory)
        findings += kubeconfigFindings(inventory)
        findings += expiryFindings(inventory)
        let (rotation, rotations) = await rotationFindings()
        findings += rotation
        findings += await tokenFindings()
        findings += rotateReportFindings()
        findings += fileModeFindings()
        findings += stateFindings()
        findings += await storeFindings()
        return HealthReport(
            time: now, policy: context.policy.name, kubernetesDir: context.settings.kubernetesDir.path,
            findings: findings,
            certificates: inventory.statuses, rotations: rotations)
    }

    /// A path for messages: relative to the kubernetes dir when inside it (`pki/ca.crt`), absolute otherwise.
    func display(_ url: URL) -> String { CertificateInventory.relative(url, to: context.settings.kubernetesDir) }

    /// A date as `certs check-expiration` prints it.
    static func format(_ date: Date) -> String { ExpirationReport.expiresFormat(date) }
}
