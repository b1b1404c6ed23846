import ClusterPKIHealth
import ClusterPKISQLiteStore
import ClusterPKIStore
import Foundation

extension StateStoreLocation {
    /// The store for a read-only look (`doctor`): never creates the database or its key; what went wrong becomes a
    /// ``StateStoreAccess`` the health model reports.
    func inspect() async -> StateStoreAccess {
        if etcd != nil { return await inspectEtcd() }
        guard FileManager.default.fileExists(atPath: db) else { return .absent(database: db) }
        do {
            guard let key = try StoreKey.load(at: keyURL) else { return .keyMissing(database: db, key: keyURL.path) }
            // Read-only: the doctor never writes (no key record, no schema upgrade); the key is still compared.
            return .opened(try SQLiteStateStore(readOnlyAt: db, storeKey: key), database: db, key: keyURL.path)
        } catch let error as StoreError {
            return .unusable(database: db, key: keyURL.path, error: error)
        } catch {
            return .unusable(database: db, key: keyURL.path, error: .cannotOpenDatabase(path: db, detail: "\(error)"))
        }
    }

    /// etcd: opened with this node's existing key (never created); an unreachable store or a missing or foreign key
    /// is what the health model reports.
    private func inspectEtcd() async -> StateStoreAccess {
        do {
            guard let store = try await openReadOnlyState(withKey: true) else {
                return .absent(database: storeDescription)
            }
            return .opened(store, database: storeDescription, key: keyURL.path)
        } catch StoreError.stateKeyMissing {
            return .keyMissing(database: storeDescription, key: keyURL.path)
        } catch let error as StoreError {
            return .unusable(database: storeDescription, key: keyURL.path, error: error)
        } catch {
            return .unusable(database: storeDescription, key: keyURL.path, error: .etcd(detail: "\(error)"))
        }
    }
}
