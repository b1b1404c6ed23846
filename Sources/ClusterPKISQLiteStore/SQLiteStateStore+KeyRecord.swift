import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB

extension SQLiteStateStore {
    /// What the database at `path` records about its key, read without the key and without writing anything; nil
    /// when there is no database yet (no file, an empty file, or no key stored), i.e. when opening it would create one.
    public static func keyRecord(path: String) throws -> StoreKeyRecord? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try DatabaseFile.checkHeader(path: path)
        do {
            let probe = try readOnlyProbe(path: path)
            defer { try? probe.close() }
            return try probe.read { db -> StoreKeyRecord? in
                guard try db.tableExists("storeMeta") else { return nil }
                guard let check = try Data.fetchOne(db, sql: "SELECT value FROM storeMeta WHERE key = 'storeKeyCheck'")
                else {
                    return nil
                }
                let path = try Data.fetchOne(db, sql: "SELECT value FROM storeMeta WHERE key = 'storeKeyPath'")
                return StoreKeyRecord(checkValue: check, keyPath: path.map { String(decoding: $0, as: UTF8.self) })
            }
        } catch {
            throw mapError(error, path: path)
        }
    }
}
