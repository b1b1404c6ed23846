import ClusterPKIHealth
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

extension StateStoreLocation {
    /// The store for a read-only look (`doctor`): never creates the database or its key; what went wrong becomes a
    /// ``StateStoreAccess`` the health model reports.
    func inspect() -> StateStoreAccess {
        guard FileManager.default.fileExists(atPath: db) else { return .absent(database: db) }
        do {
            guard let key = try StoreKey.load(at: keyURL) else { return .keyMissing(database: db, key: keyURL.path) }
            return .opened(try SQLiteStateStore(path: db, storeKey: key), database: db, key: keyURL.path)
        } catch let error as StoreError {
            return .unusable(database: db, key: keyURL.path, error: error)
        } catch {
            return .unusable(database: db, key: keyURL.path, error: .cannotOpenDatabase(path: db, detail: "\(error)"))
        }
    }
}
