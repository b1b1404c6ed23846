import Foundation
import X509

/// Which certificates a ``Renewer`` run renews, and whether it writes anything.
public struct RenewalOptions: Sendable {
    /// Only certificates whose NotAfter falls within this duration (`certs renew --expiring-within`).
    public var expiringWithin: GoDuration?
    /// Only certificates this renewal policy says are due (`clusterpki rotate`).
    public var dueBy: RenewalPolicy?
    /// Report what would be renewed and write nothing.
    public var dryRun: Bool
    /// Record a credential that cannot be renewed as `failed` and go on, instead of stopping at the first error.
    public var collectFailures: Bool
    /// Where the count of renewed certificates goes while new keys are signed and written.
    public var progress: WorkProgress.Sink

    public init(
        expiringWithin: GoDuration? = nil, dueBy: RenewalPolicy? = nil, dryRun: Bool = false,
        collectFailures: Bool = false,
        progress: @escaping WorkProgress.Sink = WorkProgress.ignore
    ) {
        self.expiringWithin = expiringWithin
        self.dueBy = dueBy
        self.dryRun = dryRun
        self.collectFailures = collectFailures
        self.progress = progress
    }
}

/// What `certs renew` did, per certificate, plus the lines it printed.
public struct RenewalReport: Sendable, Codable {
    public enum Outcome: String, Sendable, Codable {
        case renewed, notDue, missing, externalCA, refused, wouldRenew, failed
    }
    /// One certificate: its outcome, and the old and (when renewed) new serial and NotAfter.
    public struct Item: Sendable, Codable, Equatable {
        public var name: String
        public var outcome: Outcome
        public var oldSerial: String?
        public var oldNotAfter: Date?
        public var newSerial: String?
        public var newNotAfter: Date?
        public var error: String?
    }
    public var items: [Item] = []
    public var lines: [String] = []

    mutating func record(
        _ outcome: Outcome, _ name: String, _ line: String, old: Certificate? = nil, new: Certificate? = nil,
        error: String? = nil
    ) {
        items.append(
            Item(
                name: name, outcome: outcome, oldSerial: old.map(\.serialHex), oldNotAfter: old?.notValidAfter,
                newSerial: new.map(\.serialHex), newNotAfter: new?.notValidAfter, error: error))
        lines.append(line)
    }

    public func count(_ outcome: Outcome) -> Int { items.filter { $0.outcome == outcome }.count }

    /// One line for logs and timers.
    public var summary: String {
        "[renew] \(count(.renewed)) renewed, \(count(.notDue)) not due, \(count(.missing)) missing, \(count(.externalCA)) external CA, \(count(.refused)) refused"
            + (count(.wouldRenew) > 0 ? ", \(count(.wouldRenew)) would be renewed" : "")
            + (count(.failed) > 0 ? ", \(count(.failed)) failed" : "")
    }
}
