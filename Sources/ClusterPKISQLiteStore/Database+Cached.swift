import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import GRDB

extension Database {
    /// Executes one statement through the connection's statement cache, which the authentication path relies on.
    func run(sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
