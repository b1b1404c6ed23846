import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Who is running the command, for the ledger and the audit log: `$SUDO_USER`, else `$USER`, else the numeric uid.
public enum LedgerActor {
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let user = environment["SUDO_USER"], !user.isEmpty { return user }
        if let user = environment["USER"], !user.isEmpty { return user }
        return "uid \(getuid())"
    }
}
