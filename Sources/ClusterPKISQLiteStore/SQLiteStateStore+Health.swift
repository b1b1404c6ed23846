import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// Rewrites one `storeMeta` row: a page into the write-ahead log, as every real write needs.
    public func probeWrite(now: Date) async throws {
        try await write { db in
            try db.run(
                sql: "INSERT OR REPLACE INTO storeMeta (key, value) VALUES ('writeProbe', ?)",
                arguments: [Data(RFC3339.format(now).utf8)])
        }
    }
}
