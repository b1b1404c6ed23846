import ClusterPKIStore
import Foundation

/// A state database whose key cannot be used: the message names the database, the key files tried, and the flag
/// that fixes it (`--kubernetes-dir`, or `--db`).
enum StateKeyError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// What was looked for and what was found.
    struct Problem: Equatable {
        var db: String
        var record: StoreKeyRecord
        var tried: [URL]
        var foreign: [(url: URL, id: String)]
        var kubernetesDirGiven: Bool

        static func == (lhs: Problem, rhs: Problem) -> Bool {
            lhs.db == rhs.db && lhs.record == rhs.record && lhs.tried == rhs.tried
                && lhs.foreign.map(\.url) == rhs.foreign.map(\.url) && lhs.foreign.map(\.id) == rhs.foreign.map(\.id)
                && lhs.kubernetesDirGiven == rhs.kubernetesDirGiven
        }
    }

    /// No key file at any place tried.
    case missing(Problem)
    /// Key files exist, but none is the database's.
    case mismatch(Problem)

    var description: String {
        switch self {
        case .missing(let problem):
            let paths = problem.tried.map(\.path).joined(separator: " or ")
            return
                "the state database \(problem.db) is protected by the store key \(problem.record.keyID)\(Self.recorded(problem)), but \(paths) does not exist; \(Self.fix(problem)) (a new key is never created for a database that has one)"
        case .mismatch(let problem):
            let found = problem.foreign.map { "\($0.url.path) is key \($0.id)" }.joined(separator: ", ")
            return
                "the store key does not belong to the state database \(problem.db): it needs key \(problem.record.keyID)\(Self.recorded(problem)), but \(found); \(Self.fix(problem))"
        }
    }

    var errorDescription: String? { description }

    private static func recorded(_ problem: Problem) -> String {
        problem.record.keyPath.map { " (created at \($0))" } ?? ""
    }

    /// The flag to pass: the Kubernetes directory whose pki/ holds the key, or the database the key belongs to.
    private static func fix(_ problem: Problem) -> String {
        if problem.kubernetesDirGiven, let recorded = problem.record.keyPath {
            return
                "pass the --kubernetes-dir whose pki/\(StoreKey.defaultFileName) is that key (or leave --kubernetes-dir out to use \(recorded)), or the --db this key belongs to"
        }
        return
            "pass --kubernetes-dir DIR where DIR/pki/\(StoreKey.defaultFileName) is that key (restore it from a backup if it is lost), or the --db this key belongs to"
    }
}
