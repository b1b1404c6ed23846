import ClusterPKIHealth
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

/// Opens the state store for a read-only look (`doctor`): never creates the database or its key, and turns what
/// went wrong into a ``StateStoreAccess`` the health model reports.
struct StateStoreInspection {
    var db: String
    var kubernetesDir: URL

    var keyURL: URL { kubernetesDir.appendingPathComponent("pki").appendingPathComponent(StoreKey.defaultFileName) }

    func open() -> StateStoreAccess {
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
