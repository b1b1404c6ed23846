import ClusterPKICore
import ClusterPKIHealth
import ClusterPKITesting
import Foundation

extension NodeTree {
    /// The health model of this node at `date` (default: the day it was made), with the store open.
    func health(at date: Date = TestSupport.start, state: StateStoreAccess? = nil) async -> HealthReport {
        await HealthCheck(
            context: at(date), state: state ?? .opened(store, database: database, key: keyURL.path),
            rotateReport: rotateReport,
            commands: FixCommands(kubernetesDir: root.path, db: database)
        ).run()
    }
}

extension HealthReport {
    /// The findings worse than ok, as `area severity subject` for compact expectations.
    var problems: [String] {
        findings.filter { $0.severity > .ok }.map { "\($0.area.rawValue) \($0.severity.rawValue) \($0.subject)" }
    }

    func finding(_ area: HealthArea, _ subject: String) -> HealthFinding? {
        findings.first { $0.area == area && $0.subject == subject }
    }
}
